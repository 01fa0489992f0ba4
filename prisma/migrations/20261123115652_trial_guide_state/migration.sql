-- AlterTable
ALTER TABLE "User" ADD COLUMN     "guideState" JSONB;
