-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "sandboxShard" TEXT;

-- Sandbox clusters from before shards live on the one sandbox there was: the default shard.
UPDATE "Cluster" SET "sandboxShard" = 'default' WHERE "kind" = 'SANDBOX';
