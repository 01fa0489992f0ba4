-- AlterTable
ALTER TABLE "ExperimentExecution" ADD COLUMN     "planSeed" TEXT;
