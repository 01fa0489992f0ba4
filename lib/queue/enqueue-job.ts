import { db, type Prisma } from "@/lib/db";
import { DEFAULT_JOB_OPTIONS } from "./define-job";
import { findJobDefinition, type JobName, type JobPayload } from "./jobs";
import type { QueueMessage } from "./message";
import { getQueue } from "./producer";

export interface EnqueueOptions {
  /** The team the job belongs to, when it belongs to one. */
  teamId?: string;
  /** Wait this long before the job may start. */
  delayMs?: number;
  /** Overrides the definition's retry policy: attempts in all, and the first exponential back-off. */
  retry?: { attempts: number; backoffMs: number };
}

/**
 * Records a background job in PostgreSQL, then queues it with the row's id as the BullMQ job
 * id (so a message can never be queued twice for one row). The payload is validated here,
 * before anything is written; a ZodError means the caller passed bad input. Returns the row id.
 */
export async function enqueueJob<N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  opts: EnqueueOptions = {},
): Promise<string> {
  const def = findJobDefinition(name);
  if (!def) throw new Error(`Unknown job type ${name}`);
  const data = def.schema.parse(payload) as Prisma.InputJsonValue;
  const row = await db.backgroundJob.create({ data: { type: name, payload: data, teamId: opts.teamId } });
  const message: QueueMessage = { backgroundJobId: row.id, type: def.name, version: def.version };
  try {
    await getQueue(def.queue).add(def.name, message, {
      ...DEFAULT_JOB_OPTIONS,
      ...def.options,
      ...(opts.retry ? { attempts: opts.retry.attempts, backoff: { type: "exponential", delay: opts.retry.backoffMs } } : {}),
      jobId: row.id,
      delay: opts.delayMs,
    });
  } catch (err) {
    // Without a queue message the row would wait forever: record why it never ran.
    const error = `Could not be queued: ${err instanceof Error ? err.message : String(err)}`;
    await db.backgroundJob.update({ where: { id: row.id }, data: { state: "FAILED", error, completedAt: new Date() } });
    throw err;
  }
  return row.id;
}
