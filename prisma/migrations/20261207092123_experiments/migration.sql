-- CreateEnum
CREATE TYPE "ExecutionState" AS ENUM ('QUEUED', 'CHECKING', 'INJECTING', 'OBSERVING', 'RECOVERING', 'STOPPING', 'PASSED', 'FAILED', 'STOPPED', 'ABORTED', 'ERROR', 'NOT_STARTED');

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "prometheusCiphertext" BYTEA,
ADD COLUMN     "prometheusHost" TEXT,
ADD COLUMN     "prometheusKeyId" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "executionId" TEXT,
ADD COLUMN     "faultIndex" INTEGER,
ADD COLUMN     "stageIndex" INTEGER;

-- AlterTable
ALTER TABLE "ShareLink" ADD COLUMN     "executionId" TEXT,
ALTER COLUMN "runId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "clusterId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "definition" JSONB NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExperimentVersion" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "clusterId" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExperimentExecution" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "clusterId" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "state" "ExecutionState" NOT NULL DEFAULT 'QUEUED',
    "reason" TEXT,
    "score" INTEGER,
    "trippedBy" JSONB,
    "stageIndex" INTEGER,
    "faultsEndedAt" TIMESTAMP(3),
    "createdById" TEXT,
    "apiTokenId" TEXT,
    "scheduleId" TEXT,
    "workerId" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "abortRequestedAt" TIMESTAMP(3),
    "abortedBy" JSONB,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ExperimentExecution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CheckSample" (
    "id" BIGSERIAL NOT NULL,
    "teamId" TEXT NOT NULL,
    "executionId" TEXT NOT NULL,
    "checkIndex" INTEGER NOT NULL,
    "phase" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "outcome" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "observed" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,

    CONSTRAINT "CheckSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Experiment_teamId_updatedAt_idx" ON "Experiment"("teamId", "updatedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Experiment_teamId_name_key" ON "Experiment"("teamId", "name");

-- CreateIndex
CREATE INDEX "ExperimentVersion_teamId_idx" ON "ExperimentVersion"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentVersion_experimentId_version_key" ON "ExperimentVersion"("experimentId", "version");

-- CreateIndex
CREATE INDEX "ExperimentExecution_teamId_queuedAt_idx" ON "ExperimentExecution"("teamId", "queuedAt" DESC);

-- CreateIndex
CREATE INDEX "ExperimentExecution_experimentId_queuedAt_idx" ON "ExperimentExecution"("experimentId", "queuedAt" DESC);

-- CreateIndex
CREATE INDEX "ExperimentExecution_state_heartbeatAt_idx" ON "ExperimentExecution"("state", "heartbeatAt");

-- CreateIndex
CREATE INDEX "CheckSample_executionId_checkIndex_at_idx" ON "CheckSample"("executionId", "checkIndex", "at");

-- CreateIndex
CREATE INDEX "Run_executionId_idx" ON "Run"("executionId");

-- CreateIndex
CREATE INDEX "ShareLink_executionId_idx" ON "ShareLink"("executionId");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "ExperimentExecution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareLink" ADD CONSTRAINT "ShareLink_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "ExperimentExecution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentVersion" ADD CONSTRAINT "ExperimentVersion_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentVersion" ADD CONSTRAINT "ExperimentVersion_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentVersion" ADD CONSTRAINT "ExperimentVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentExecution" ADD CONSTRAINT "ExperimentExecution_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentExecution" ADD CONSTRAINT "ExperimentExecution_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentExecution" ADD CONSTRAINT "ExperimentExecution_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentExecution" ADD CONSTRAINT "ExperimentExecution_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CheckSample" ADD CONSTRAINT "CheckSample_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CheckSample" ADD CONSTRAINT "CheckSample_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "ExperimentExecution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A share link shares exactly one thing: a run or an execution.
ALTER TABLE "ShareLink" ADD CONSTRAINT "ShareLink_one_subject" CHECK (num_nonnulls("runId", "executionId") = 1);
