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
