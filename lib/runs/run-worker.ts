import { setMaxListeners } from "node:events";
import { Worker, type Job } from "bullmq";
import { env } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createWorkerConnection } from "@/lib/queue";
import { processRun } from "./process-run";
import { sweepRuns } from "./recover-runs";
import { RUNS_QUEUE, runMessageSchema } from "./run-queue";
import { runSettings } from "./run-settings";

const log = createLogger("runs-worker");

export interface RunWorkerHandle {
  /** Stops taking runs; after graceMs, runs still held are released for another worker. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts this process's share of the run pool: a BullMQ worker on the runs queue (concurrency
 * RUN_CONCURRENCY) and the recovery sweep every RUN_SWEEP_MS.
 */
export function startRunWorker(opts: { workerId: string; concurrency?: number }): RunWorkerHandle {
  const s = runSettings();
  const shutdown = new AbortController();
  // Every run in flight listens for shutdown: as many listeners as RUN_CONCURRENCY, not a leak.
  setMaxListeners(0, shutdown.signal);
  const ctx = { workerId: opts.workerId, shutdown: shutdown.signal };
  const concurrency = opts.concurrency ?? s.RUN_CONCURRENCY;
  let active = 0;
  const connection = createWorkerConnection();
  const worker = new Worker(
    RUNS_QUEUE,
    async (job: Job) => {
      const message = runMessageSchema.safeParse(job.data);
      if (!message.success) throw new Error(`invalid run message: ${message.error.issues[0]?.message ?? "?"}`);
      active++;
      try {
        return { state: await processRun(message.data.runId, ctx) };
      } finally {
        active--;
      }
    },
    // A message held by a worker that died is recognised by the sweep once this lock lapses.
    { connection, prefix: env().PYSTOL_QUEUE_PREFIX, concurrency, lockDuration: 15_000 },
  );
  worker.on("error", (err) => log.error({ err: err.message }, "runs worker error"));

  let sweeping = false;
  const sweep = () => {
    if (sweeping || shutdown.signal.aborted) return;
    sweeping = true;
    sweepRuns(ctx, concurrency - active)
      .catch((err: Error) => log.warn({ err: err.message }, "sweep failed"))
      .finally(() => (sweeping = false));
  };
  const timer = setInterval(sweep, s.RUN_SWEEP_MS);
  sweep();

  return {
    async close(graceMs = 0) {
      clearInterval(timer);
      const grace = setTimeout(() => shutdown.abort(), graceMs);
      await worker.close();
      clearTimeout(grace);
      shutdown.abort();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
