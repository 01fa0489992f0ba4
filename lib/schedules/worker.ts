// Schedules, worker side: only worker processes import this.
import { Worker, type Job } from "bullmq";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createWorkerConnection } from "@/lib/queue";
import { lastDueAtOrBefore } from "./cron";
import { catchUp, fireDueTime, resolveStaleFirings, type FiringResult } from "./fire";
import { listSchedulers, removeScheduler, scheduleMessageSchema, SCHEDULES_QUEUE, upsertScheduler } from "./queue";
import { scheduleSettings } from "./settings";

const log = createLogger("schedules");

export interface ScheduleWorkerHandle {
  /** Runs one ensure-and-catch-up pass now (tests). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

// The due time of a scheduler's job: BullMQ keeps it as prevMillis, and in the job id
// ("repeat:<scheduler>:<millis>") too.
function dueAtOf(job: Job): Date | null {
  const millis = job.opts.prevMillis ?? Number(String(job.id).split(":").at(-1));
  return Number.isFinite(millis) && millis > 0 ? new Date(millis) : null;
}

/**
 * Makes BullMQ's job schedulers match the rows: one per enabled schedule with its expression
 * and time zone, none for a paused or deleted one. Upserting is idempotent, so any number of
 * workers may run it at once. Returns how many were added or changed and removed.
 */
export async function ensureSchedulers(): Promise<{ upserted: number; removed: number }> {
  const [rows, held] = await Promise.all([
    db.schedule.findMany({ where: { enabled: true }, select: { id: true, cron: true, timezone: true } }),
    listSchedulers(),
  ]);
  const byId = new Map(held.map((h) => [h.id, h]));
  const wanted = new Set(rows.map((r) => r.id));
  let upserted = 0;
  let removed = 0;
  for (const r of rows) {
    const h = byId.get(r.id);
    if (h && h.pattern === r.cron && (h.tz ?? "UTC") === r.timezone) continue;
    await upsertScheduler(r);
    upserted++;
  }
  for (const h of held) {
    if (wanted.has(h.id)) continue;
    await removeScheduler(h.id);
    removed++;
  }
  return { upserted, removed };
}

/**
 * Every enabled schedule's missed due times, by its late policy (catchUp). One statement reads
 * every enabled schedule with its last recorded due time, and the expressions' last due times
 * are computed once per distinct expression: only a schedule that really missed one is loaded
 * and caught up. (Each worker runs this every SCHEDULE_SWEEP_MS; with a query or two per
 * schedule it cost more than the firings themselves at a thousand schedules.)
 */
export async function catchUpAll(lateAfterMs: number, now = new Date()): Promise<FiringResult[]> {
  const until = new Date(now.getTime() - lateAfterMs);
  const rows = await db.$queryRaw<{ id: string; cron: string; timezone: string; activeSince: Date; lastDueAt: Date | null }[]>`
    SELECT s."id", s."cron", s."timezone", s."activeSince",
      (SELECT max(f."dueAt") FROM "ScheduleFiring" f WHERE f."scheduleId" = s."id") AS "lastDueAt"
    FROM "Schedule" s
    WHERE s."enabled"`;
  const lastDue = new Map<string, Date | null>();
  const out: FiringResult[] = [];
  for (const r of rows) {
    const key = `${r.timezone}|${r.cron}`;
    if (!lastDue.has(key)) lastDue.set(key, lastDueAtOrBefore(r.cron, r.timezone, until));
    const due = lastDue.get(key);
    // The same rule as catchUp: after the last recorded time, or from the schedule's activeSince.
    const after = r.lastDueAt && r.lastDueAt > r.activeSince ? r.lastDueAt : new Date(r.activeSince.getTime() - 1);
    if (!due || due <= after) continue;
    out.push(...(await catchUp(r.id, { lateAfterMs, now })));
  }
  return out;
}

/**
 * A BullMQ worker on the schedules queue (each job one due time of one schedule, recorded
 * exactly once in PostgreSQL), and, at start and every SCHEDULE_SWEEP_MS, the ensure of the
 * job schedulers and the catch-up of due times missed while no worker ran.
 */
export function startScheduleWorker(opts: { workerId: string }): ScheduleWorkerHandle {
  const s = scheduleSettings();
  const connection = createWorkerConnection();
  const worker = new Worker(
    SCHEDULES_QUEUE,
    async (job: Job) => {
      const message = scheduleMessageSchema.safeParse(job.data);
      if (!message.success) throw new Error(`invalid schedule message: ${message.error.issues[0]?.message ?? "?"}`);
      const dueAt = dueAtOf(job);
      if (!dueAt) throw new Error(`schedule job ${job.id} has no due time`);
      const results = await fireDueTime(message.data.scheduleId, dueAt, { lateAfterMs: s.SCHEDULE_LATE_MS });
      return { handled: results.map((r) => ({ dueAt: r.dueAt.toISOString(), status: r.status, skipCode: r.skipCode ?? null })), workerId: opts.workerId };
    },
    { connection, prefix: env().PYSTOL_QUEUE_PREFIX, concurrency: s.SCHEDULE_CONCURRENCY },
  );
  worker.on("error", (err) => log.error({ err: err.message }, "schedules worker error"));

  let running: Promise<void> | null = null;
  const sweep = (): Promise<void> =>
    (running ??= (async () => {
      try {
        const ensured = await ensureSchedulers();
        if (ensured.upserted || ensured.removed) log.info({ workerId: opts.workerId, ...ensured }, "job schedulers ensured");
        const caught = await catchUpAll(s.SCHEDULE_LATE_MS);
        // A start takes seconds at most; a claim this old lost its worker.
        await resolveStaleFirings(Math.max(5 * s.SCHEDULE_LATE_MS, 60_000));
        if (caught.length) log.warn({ workerId: opts.workerId, handled: caught.length }, "missed due times caught up");
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, "schedule sweep failed");
      } finally {
        running = null;
      }
    })());
  const timer = setInterval(() => void sweep(), s.SCHEDULE_SWEEP_MS);
  void sweep();

  return {
    sweep,
    async close() {
      clearInterval(timer);
      await worker.close();
      await running;
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
