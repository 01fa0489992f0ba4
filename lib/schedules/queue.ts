import { Queue } from "bullmq";
import { z } from "zod";
import { env } from "@/lib/env";
import { producerConnection } from "@/lib/queue";

/** The queue the schedules' BullMQ job schedulers put their due times on. */
export const SCHEDULES_QUEUE = "schedules";

/** A due time's message: only the schedule; the due time is the job's own (BullMQ's prevMillis). */
export const scheduleMessageSchema = z.strictObject({ scheduleId: z.string().min(1).max(64) });
export type ScheduleMessage = z.infer<typeof scheduleMessageSchema>;

let queue: Queue | null = null;
export function scheduleQueue(): Queue {
  return (queue ??= new Queue(SCHEDULES_QUEUE, { connection: producerConnection(), prefix: env().PYSTOL_QUEUE_PREFIX }));
}

/** The job scheduler's id is the schedule's id: one scheduler per schedule, however many upserts. */
export async function upsertScheduler(s: { id: string; cron: string; timezone: string }): Promise<void> {
  const message: ScheduleMessage = { scheduleId: s.id };
  await scheduleQueue().upsertJobScheduler(
    s.id,
    { pattern: s.cron.trim(), tz: s.timezone },
    // Firings are recorded in PostgreSQL, so a job's own retries and history are not needed.
    { name: "schedule", data: message, opts: { attempts: 1, removeOnComplete: { age: 600, count: 2_000 }, removeOnFail: { age: 24 * 3600, count: 2_000 } } },
  );
}

export async function removeScheduler(scheduleId: string): Promise<void> {
  await scheduleQueue().removeJobScheduler(scheduleId);
}

/** The schedulers BullMQ holds: id, pattern and time zone. */
export async function listSchedulers(): Promise<{ id: string; pattern: string | null; tz: string | null }[]> {
  const all = await scheduleQueue().getJobSchedulers(0, -1, true);
  return all.map((j) => ({ id: j.key, pattern: j.pattern ?? null, tz: j.tz ?? null }));
}

export async function closeScheduleQueue(): Promise<void> {
  const q = queue;
  queue = null;
  await q?.close().catch(() => undefined);
}
