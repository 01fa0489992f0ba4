// Background jobs on BullMQ, producer side: what the web app and the CLI API may use.
// The worker process uses ./consumer in addition.
export { createSubscriberConnection, createWorkerConnection, producerConnection, closeProducerConnection } from "./connection";
export { enqueueJob, type EnqueueOptions } from "./enqueue-job";
export { scheduleRepeatingJobs, ensureRepeatingJobs, keepRepeatingJobs } from "./schedule-jobs";
export { getQueue, closeQueues } from "./producer";
export { QUEUES, queueNames, type QueueName } from "./queues";
export { defineJob, DEFAULT_JOB_OPTIONS, type JobDefinition } from "./define-job";
export { jobDefinitions, findJobDefinition, type JobName, type JobPayload } from "./jobs";
export { checkDependencies, type DependencyHealth } from "./check-dependencies";
