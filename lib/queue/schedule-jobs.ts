import type { Redis } from "ioredis";
import { DEFAULT_JOB_OPTIONS } from "./define-job";
import { jobDefinitions } from "./jobs";
import type { QueueMessage } from "./message";
import { getQueue } from "./producer";

/**
 * Registers a BullMQ job scheduler for every job definition with `repeat`. Upserting is
 * idempotent, so every worker calls it at start and one schedule results however many run.
 * Returns the names scheduled.
 */
export async function scheduleRepeatingJobs(): Promise<string[]> {
  const scheduled: string[] = [];
  for (const def of jobDefinitions) {
    if (!def.repeat) continue;
    const message: QueueMessage = { backgroundJobId: def.name, type: def.name, version: def.version, scheduled: true };
    await getQueue(def.queue).upsertJobScheduler(
      def.name,
      { every: def.repeat.everyMs },
      { name: def.name, data: message, opts: { ...DEFAULT_JOB_OPTIONS, ...def.options } },
    );
    scheduled.push(def.name);
  }
  return scheduled;
}

/**
 * Registers the schedulers that are missing (Redis lost its data, or someone removed one),
 * leaving existing ones alone: upserting an `every` scheduler again would move its next time.
 * Returns the names it registered again.
 */
export async function ensureRepeatingJobs(): Promise<string[]> {
  const missing: string[] = [];
  for (const def of jobDefinitions) {
    if (!def.repeat) continue;
    if (!(await getQueue(def.queue).getJobScheduler(def.name))) missing.push(def.name);
  }
  if (missing.length === 0) return [];
  await scheduleRepeatingJobs();
  return missing;
}

/**
 * Keeps the repeating jobs scheduled for as long as the worker runs: checks every `everyMs`
 * and whenever the worker's Redis connection comes back, so that trials keep expiring after
 * Redis restarted empty without waiting for a worker to restart. Returns a stop function.
 */
export function keepRepeatingJobs(opts: { everyMs: number; connection?: Redis; onRestored?: (names: string[]) => void; onError?: (err: Error) => void }): () => void {
  let busy = false;
  const check = () => {
    if (busy) return;
    busy = true;
    ensureRepeatingJobs()
      .then((names) => names.length > 0 && opts.onRestored?.(names))
      .catch((err: Error) => opts.onError?.(err))
      .finally(() => (busy = false));
  };
  const timer = setInterval(check, opts.everyMs);
  timer.unref();
  opts.connection?.on("ready", check);
  return () => {
    clearInterval(timer);
    opts.connection?.off("ready", check);
  };
}
