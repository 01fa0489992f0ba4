-- CreateEnum
CREATE TYPE "ScheduleLatePolicy" AS ENUM ('RUN_LATE', 'SKIP');

-- CreateEnum
CREATE TYPE "FiringStatus" AS ENUM ('FIRING', 'FIRED', 'SKIPPED');

-- AlterTable
ALTER TABLE "Schedule" DROP COLUMN "lastRunAt",
DROP COLUMN "nextRunAt",
ADD COLUMN     "experimentId" TEXT,
ADD COLUMN     "lastFiredAt" TIMESTAMP(3),
ADD COLUMN     "activeSince" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "latePolicy" "ScheduleLatePolicy" NOT NULL DEFAULT 'RUN_LATE',
ALTER COLUMN "clusterId" DROP NOT NULL,
ALTER COLUMN "actionId" DROP NOT NULL,
ALTER COLUMN "params" DROP NOT NULL;

-- CreateTable
CREATE TABLE "ScheduleFiring" (
    "id" TEXT NOT NULL,
    "scheduleId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "FiringStatus" NOT NULL DEFAULT 'FIRING',
    "skipCode" TEXT,
    "reason" TEXT,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "runId" TEXT,
    "executionId" TEXT,

    CONSTRAINT "ScheduleFiring_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ScheduleFiring_scheduleId_dueAt_key" ON "ScheduleFiring"("scheduleId", "dueAt");

-- CreateIndex
CREATE INDEX "Schedule_experimentId_idx" ON "Schedule"("experimentId");

-- CreateIndex
CREATE INDEX "Schedule_clusterId_idx" ON "Schedule"("clusterId");

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScheduleFiring" ADD CONSTRAINT "ScheduleFiring_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A schedule is of one experiment, or of one action on one cluster with its params: exactly one.
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_target_check" CHECK (
  ("experimentId" IS NOT NULL AND "actionId" IS NULL AND "clusterId" IS NULL AND "params" IS NULL)
  OR ("experimentId" IS NULL AND "actionId" IS NOT NULL AND "clusterId" IS NOT NULL AND "params" IS NOT NULL)
);
