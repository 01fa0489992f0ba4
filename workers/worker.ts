// The worker process: runs queued jobs from every queue in lib/queue/queues.ts, serves
// /healthz and /metrics, and on SIGTERM/SIGINT lets running jobs finish within a grace
// period, then hands any still running back to the queue and exits.
import "./load-env";
import os from "node:os";
import { Worker, WaitingError, type Job } from "bullmq";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { createLogger } from "@/lib/log";
import {
  closeProducerConnection,
  closeQueues,
  createWorkerConnection,
  findJobDefinition,
  queueNames,
  scheduleRepeatingJobs,
  keepRepeatingJobs,
  type QueueName,
} from "@/lib/queue";
import {
  jobDuration,
  jobsProcessed,
  processJob,
  serverPort,
  startHealthServer,
  workerSettings,
  type JobOutcome,
} from "@/lib/queue/consumer";
import { startRunWorker } from "@/lib/runs/worker";
import { startExperimentWorker } from "@/lib/experiments/worker";
import { closeExperimentQueues } from "@/lib/experiments/queues";
import { startScheduleWorker } from "@/lib/schedules/worker";
import { closeScheduleQueue } from "@/lib/schedules/queue";

const log = createLogger("worker");
const settings = env();
const own = workerSettings();
const workerId = `${os.hostname()}:${process.pid}`;
const shutdown = new AbortController();
// Time allowed, after the grace period, for handing jobs back before the process gives up.
const HAND_BACK_MS = 10_000;

// Wraps processJob with a log line and metrics per job: id, type, attempt, outcome and
// duration; never the payload.
function processorFor(queue: QueueName) {
  return async (job: Job, token?: string): Promise<unknown> => {
    // Label by known type only: a junk message name must not create new metric series.
    const type = findJobDefinition(job.name)?.name ?? "unknown";
    const started = performance.now();
    let outcome: JobOutcome = "failed";
    let reason: string | undefined;
    try {
      const result = await processJob(job, token, { workerId, shutdown: shutdown.signal, log });
      outcome = "completed";
      return result;
    } catch (err) {
      if (err instanceof WaitingError) outcome = "returned";
      else reason = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      jobDuration.observe({ type }, seconds);
      jobsProcessed.inc({ type, outcome });
      const line = { queue, jobId: job.id, type, attempt: job.attemptsMade + 1, outcome, ms: Math.round(seconds * 1000) };
      if (outcome === "failed") log.warn({ ...line, err: reason }, "job failed");
      else log.info(line, `job ${outcome}`);
    }
  };
}

const connection = createWorkerConnection();
const workers = queueNames.map((name) => {
  const w = new Worker(name, processorFor(name), {
    connection,
    prefix: settings.PYSTOL_QUEUE_PREFIX,
    concurrency: settings.WORKER_CONCURRENCY,
  });
  // BullMQ's advice: without an error listener a Redis hiccup can end the process.
  w.on("error", (err) => log.error({ queue: name, err: err.message }, "worker error"));
  w.on("failed", (job, err) => log.debug({ queue: name, jobId: job?.id, err: err.message }, "job failure recorded"));
  return w;
});

// Housekeeping that repeats (trial expiry): one schedule in Redis however many workers start.
const scheduled = await scheduleRepeatingJobs();
// ... and scheduled again if Redis loses them (a restart without persistence), checked
// periodically and whenever the connection comes back.
const stopKeepingSchedules = keepRepeatingJobs({
  everyMs: own.WORKER_SCHEDULE_CHECK_MS,
  connection,
  onRestored: (names) => log.warn({ names }, "repeating jobs were missing from Redis: scheduled again"),
  onError: (err) => log.warn({ err: err.message }, "checking the repeating jobs failed"),
});

// Fault runs have their own queue, state table and recovery sweep (lib/runs).
const runs = startRunWorker({ workerId });
// Experiment executions drive runs of their own (lib/experiments); their checks have a queue too.
const experiments = startExperimentWorker({ workerId });
// Schedules' due times come from BullMQ job schedulers; each is recorded once (lib/schedules).
const schedules = startScheduleWorker({ workerId });

const health = await startHealthServer(settings.WORKER_HEALTH_PORT, connection, own.WORKER_HEALTH_HOST);
log.info(
  { workerId, queues: queueNames, scheduled, concurrency: settings.WORKER_CONCURRENCY, healthPort: serverPort(health) },
  "worker started",
);
// A plain line for process supervisors and tests that wait for readiness.
console.log(`WORKER_READY ${serverPort(health)}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, graceMs: own.WORKER_SHUTDOWN_GRACE_MS }, "shutting down: letting running jobs finish");
  const grace = setTimeout(() => {
    log.warn("grace period over: handing running jobs back to the queue");
    shutdown.abort();
  }, own.WORKER_SHUTDOWN_GRACE_MS);
  const giveUp = setTimeout(() => {
    // Redis or PostgreSQL did not answer in time: the jobs' locks lapse and BullMQ's stalled
    // check gives them to another worker, so they are still not lost.
    log.error("could not hand jobs back in time; exiting");
    process.exit(1);
  }, own.WORKER_SHUTDOWN_GRACE_MS + HAND_BACK_MS);
  stopKeepingSchedules();
  await Promise.all([...workers.map((w) => w.close()), runs.close(own.WORKER_SHUTDOWN_GRACE_MS), experiments.close(own.WORKER_SHUTDOWN_GRACE_MS), schedules.close()]);
  clearTimeout(grace);
  clearTimeout(giveUp);
  health.close();
  await closeQueues();
  await closeExperimentQueues();
  await closeScheduleQueue();
  await Promise.all([closeProducerConnection(), connection.quit().catch(() => undefined), db.$disconnect()]);
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
