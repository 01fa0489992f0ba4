import { setMaxListeners } from "node:events";
import { Worker, type Job } from "bullmq";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createWorkerConnection } from "@/lib/queue";
import { processExecution } from "./drive-execution";
import { evaluateDueCheck } from "./during-checks";
import { CHECKS_QUEUE, checkMessageSchema, EXPERIMENTS_QUEUE, executionMessageSchema, executionQueue } from "./queues";
import { experimentSettings } from "./settings";
import { PENDING_EXECUTION_STATES } from "./states";

const log = createLogger("experiments-worker");

export interface ExperimentWorkerHandle {
  /** Stops taking executions and checks; after graceMs, executions still held are released for another worker. */
  close(graceMs?: number): Promise<void>;
}

/**
 * One sweep, run by every worker: takes over executions whose worker stopped heartbeating, and
 * drives queued ones whose queue message was lost. Returns how many it started.
 */
export async function sweepExecutions(w: { workerId: string; shutdown?: AbortSignal }, capacity: number): Promise<{ takenOver: number; requeued: number }> {
  const s = experimentSettings();
  const staleBefore = new Date(Date.now() - s.EXPERIMENT_STALE_MS);
  const stale = await db.experimentExecution.findMany({
    where: { state: { in: PENDING_EXECUTION_STATES.filter((x) => x !== "QUEUED") }, OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] },
    select: { id: true },
    take: Math.max(0, Math.min(50, capacity)),
  });
  for (const { id } of stale) void processExecution(id, w).catch((err: Error) => log.error({ executionId: id, err: err.message }, "taken-over execution failed"));
  const waiting = await db.experimentExecution.findMany({ where: { state: "QUEUED", queuedAt: { lt: staleBefore } }, select: { id: true }, take: 50 });
  let requeued = 0;
  for (const { id } of waiting) {
    const job = await executionQueue().getJob(id);
    const st = job ? await job.getState() : "missing";
    if (st === "waiting" || st === "active" || st === "delayed" || st === "prioritized") continue;
    await job?.remove().catch(() => undefined);
    requeued++;
    void processExecution(id, w).catch((err: Error) => log.error({ executionId: id, err: err.message }, "requeued execution failed"));
  }
  if (stale.length || requeued) log.info({ takenOver: stale.length, requeued }, "execution sweep");
  return { takenOver: stale.length, requeued };
}

/**
 * Starts this process's share of the experiment engine: a worker on the experiments queue (one
 * job per execution, held until its verdict), a worker on the checks queue (the during-checks'
 * due evaluations, any worker takes any), and the recovery sweep.
 */
export function startExperimentWorker(opts: { workerId: string }): ExperimentWorkerHandle {
  const s = experimentSettings();
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal);
  const ctx = { workerId: opts.workerId, shutdown: shutdown.signal };
  let active = 0;
  const connection = createWorkerConnection();
  const executions = new Worker(
    EXPERIMENTS_QUEUE,
    async (job: Job) => {
      const message = executionMessageSchema.safeParse(job.data);
      if (!message.success) throw new Error(`invalid execution message: ${message.error.issues[0]?.message ?? "?"}`);
      active++;
      try {
        return { state: await processExecution(message.data.executionId, ctx) };
      } finally {
        active--;
      }
    },
    { connection, prefix: env().PYSTOL_QUEUE_PREFIX, concurrency: s.EXPERIMENT_CONCURRENCY },
  );
  const checks = new Worker(
    CHECKS_QUEUE,
    async (job: Job) => {
      const message = checkMessageSchema.safeParse(job.data);
      if (!message.success) throw new Error(`invalid check message: ${message.error.issues[0]?.message ?? "?"}`);
      return { outcome: await evaluateDueCheck(message.data) };
    },
    { connection, prefix: env().PYSTOL_QUEUE_PREFIX, concurrency: s.CHECK_CONCURRENCY },
  );
  for (const w of [executions, checks]) w.on("error", (err) => log.error({ err: err.message }, "experiments worker error"));

  let sweeping = false;
  const sweep = () => {
    if (sweeping || shutdown.signal.aborted) return;
    sweeping = true;
    sweepExecutions(ctx, s.EXPERIMENT_CONCURRENCY - active)
      .catch((err: Error) => log.warn({ err: err.message }, "execution sweep failed"))
      .finally(() => (sweeping = false));
  };
  const timer = setInterval(sweep, s.EXPERIMENT_SWEEP_MS);
  sweep();

  return {
    async close(graceMs = 0) {
      clearInterval(timer);
      const grace = setTimeout(() => shutdown.abort(), graceMs);
      await checks.close();
      await executions.close();
      clearTimeout(grace);
      shutdown.abort();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
