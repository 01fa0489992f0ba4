import { Queue, type JobsOptions } from "bullmq";
import { z } from "zod";
import { env } from "@/lib/env";
import { producerConnection } from "@/lib/queue";

/** The queue of fault runs; its own workers, so runs never wait behind housekeeping jobs. */
export const RUNS_QUEUE = "runs";

// What travels through Redis: the run's id only; the run row holds everything else.
export const runMessageSchema = z.object({ runId: z.string().min(1).max(64) }).strict();
export type RunMessage = z.infer<typeof runMessageSchema>;

// A run is resumed from PostgreSQL, not retried by BullMQ: a second delivery claims the row
// or finds it taken.
const OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 3600, count: 1_000 },
  removeOnFail: { age: 24 * 3600, count: 1_000 },
};

let queue: Queue | undefined;

/** The process's handle on the runs queue (shared producer connection, env prefix). */
export function runQueue(): Queue {
  if (!queue) {
    queue = new Queue(RUNS_QUEUE, { connection: producerConnection(), prefix: env().PYSTOL_QUEUE_PREFIX });
    // The connection logs its own failures; without a listener each one would print a stack.
    queue.on("error", () => undefined);
  }
  return queue;
}

/** Queues a run; the run id is the job id, so one run is never queued twice at once. */
export async function enqueueRun(runId: string): Promise<void> {
  const message: RunMessage = { runId };
  await runQueue().add("run", message, { ...OPTIONS, jobId: runId });
}

/** Closes this process's runs-queue handle (tests and shutdown). */
export async function closeRunQueue(): Promise<void> {
  const q = queue;
  queue = undefined;
  await q?.close().catch(() => undefined);
}
