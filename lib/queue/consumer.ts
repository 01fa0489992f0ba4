// Background jobs on BullMQ, worker side: running messages, handlers, health and metrics.
// Only worker processes import this (it pulls in every job handler).
export { processJob, type ProcessContext } from "./process-job";
export { jobHandlers, type JobContext, type JobHandler } from "./handlers";
export { startHealthServer, serverPort } from "./health-server";
export { jobsProcessed, jobDuration, type JobOutcome } from "./worker-metrics";
export { queueMessageSchema, type QueueMessage } from "./message";
export { workerSettings, type WorkerSettings } from "./worker-settings";
