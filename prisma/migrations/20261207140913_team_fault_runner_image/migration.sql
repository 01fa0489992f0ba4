-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "faultRunnerImage" TEXT;
