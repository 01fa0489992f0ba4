import { RunRefusedError } from "@/lib/actions";
import { createId, db, Prisma, type Team } from "@/lib/db";
import { ExperimentError, PENDING_EXECUTION_STATES, startExecution } from "@/lib/experiments";
import { createLogger } from "@/lib/log";
import { startRun } from "@/lib/runs";
import type { TeamContext } from "@/lib/tenancy";
import { plural } from "@/lib/text";
import { dueTimesBetween, isDueAt } from "./cron";

const log = createLogger("schedules");

/** Why a due time was skipped. There is no "halted": a team's halt-all stops what runs, it is not a lasting state. */
export type SkipCode = "busy" | "cluster-unreachable" | "concurrency-limit" | "missed" | "refused" | "error";

export interface FiringResult {
  dueAt: Date;
  status: "FIRED" | "SKIPPED";
  skipCode?: SkipCode;
  reason?: string;
  runId?: string;
  executionId?: string;
}

// The schedule's own columns, as stored.
interface ScheduleColumns {
  id: string;
  teamId: string;
  experimentId: string | null;
  clusterId: string | null;
  actionId: string | null;
  params: Prisma.JsonValue;
  cron: string;
  timezone: string;
  enabled: boolean;
  activeSince: Date;
  latePolicy: "RUN_LATE" | "SKIP";
  createdById: string | null;
}

// A schedule as a firing needs it: its row, its team's identity and run counts, its creator,
// and what the skip reasons are decided on (a pending run or execution of its own, its
// cluster's status), read in one statement.
interface Loaded extends ScheduleColumns {
  team: Pick<Team, "id" | "slug" | "name" | "personal" | "isTrial" | "activeRuns" | "maxConcurrentRuns">;
  createdBy: { id: string; email: string; name: string } | null;
  /** A run of this schedule, or an execution of its experiment, still pending. */
  busy: { kind: "run" | "execution"; id: string } | null;
  cluster: { name: string; status: string; statusMessage: string | null } | null;
}

interface LoadedRow extends ScheduleColumns {
  team_slug: string;
  team_name: string;
  team_personal: boolean;
  team_isTrial: boolean;
  team_activeRuns: number;
  team_maxConcurrentRuns: number;
  user_email: string | null;
  user_name: string | null;
  busy_run: string | null;
  busy_execution: string | null;
  cluster_name: string | null;
  cluster_status: string | null;
  cluster_statusMessage: string | null;
}

const RUN_PENDING = ["QUEUED", "RUNNING", "ROLLING_BACK"] as const;

// One raw statement instead of five Prisma queries: at a busy minute (a thousand schedules due
// at once) each firing's round trips and Prisma's per-query work were most of its cost.
async function load(scheduleId: string): Promise<Loaded | null> {
  const rows = await db.$queryRaw<LoadedRow[]>`
    SELECT s."id", s."teamId", s."experimentId", s."clusterId", s."actionId", s."params", s."cron", s."timezone",
      s."enabled", s."activeSince", s."latePolicy"::text AS "latePolicy", s."createdById",
      t."slug" AS "team_slug", t."name" AS "team_name", t."personal" AS "team_personal", t."isTrial" AS "team_isTrial",
      t."activeRuns" AS "team_activeRuns", t."maxConcurrentRuns" AS "team_maxConcurrentRuns",
      u."email" AS "user_email", u."name" AS "user_name",
      CASE WHEN s."experimentId" IS NULL THEN (
        SELECT r."id" FROM "Run" r
        WHERE r."teamId" = s."teamId" AND r."scheduleId" = s."id" AND r."state"::text IN (${Prisma.join([...RUN_PENDING])})
        LIMIT 1) END AS "busy_run",
      CASE WHEN s."experimentId" IS NOT NULL THEN (
        SELECT e."id" FROM "ExperimentExecution" e
        WHERE e."teamId" = s."teamId" AND e."experimentId" = s."experimentId" AND e."state"::text IN (${Prisma.join([...PENDING_EXECUTION_STATES])})
        LIMIT 1) END AS "busy_execution",
      c."name" AS "cluster_name", c."status"::text AS "cluster_status", c."statusMessage" AS "cluster_statusMessage"
    FROM "Schedule" s
    JOIN "Team" t ON t."id" = s."teamId"
    LEFT JOIN "User" u ON u."id" = s."createdById"
    LEFT JOIN "Experiment" x ON x."id" = s."experimentId"
    LEFT JOIN "Cluster" c ON c."id" = COALESCE(s."clusterId", x."clusterId") AND c."teamId" = s."teamId"
    WHERE s."id" = ${scheduleId}`;
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    teamId: r.teamId,
    experimentId: r.experimentId,
    clusterId: r.clusterId,
    actionId: r.actionId,
    params: r.params,
    cron: r.cron,
    timezone: r.timezone,
    enabled: r.enabled,
    activeSince: r.activeSince,
    latePolicy: r.latePolicy,
    createdById: r.createdById,
    team: { id: r.teamId, slug: r.team_slug, name: r.team_name, personal: r.team_personal, isTrial: r.team_isTrial, activeRuns: r.team_activeRuns, maxConcurrentRuns: r.team_maxConcurrentRuns },
    createdBy: r.createdById && r.user_email !== null ? { id: r.createdById, email: r.user_email, name: r.user_name ?? "" } : null,
    busy: r.busy_run ? { kind: "run", id: r.busy_run } : r.busy_execution ? { kind: "execution", id: r.busy_execution } : null,
    cluster: r.cluster_status ? { name: r.cluster_name ?? "", status: r.cluster_status, statusMessage: r.cluster_statusMessage } : null,
  };
}

// Claims the due time: the unique (scheduleId, dueAt) lets exactly one caller insert it, however
// many workers were handed the same time (a duplicate delivery, the sweep, a restart).
async function claim(s: Loaded, dueAt: Date, late: boolean): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "ScheduleFiring" ("id", "scheduleId", "teamId", "dueAt", "late")
    VALUES (${createId()}, ${s.id}, ${s.teamId}, ${dueAt}::timestamp(3), ${late})
    ON CONFLICT ("scheduleId", "dueAt") DO NOTHING
    RETURNING "id"`;
  return rows[0]?.id ?? null;
}

// The outcome, the schedule's last firing and the audit event in one statement (so they land
// together), where they were three Prisma calls.
async function record(s: Loaded, firingId: string, r: FiringResult): Promise<FiringResult> {
  const fired = r.status === "FIRED";
  const now = new Date();
  const audit = { dueAt: r.dueAt.toISOString(), skipCode: r.skipCode ?? null, reason: r.reason ?? null, runId: r.runId ?? null, executionId: r.executionId ?? null };
  await db.$executeRaw`
    WITH f AS (
      UPDATE "ScheduleFiring" SET "status" = ${r.status}::"FiringStatus", "skipCode" = ${r.skipCode ?? null}, "reason" = ${r.reason ?? null},
        "runId" = ${r.runId ?? null}, "executionId" = ${r.executionId ?? null}, "firedAt" = ${now}::timestamp(3)
      WHERE "id" = ${firingId}
      RETURNING "id"
    ), l AS (
      UPDATE "Schedule" SET "lastFiredAt" = ${r.dueAt}::timestamp(3), "updatedAt" = ${now}::timestamp(3)
      WHERE "id" = ${s.id} AND ${fired}
      RETURNING "id"
    )
    INSERT INTO "AuditEvent" ("teamId", "action", "targetType", "targetId", "data", "at")
    VALUES (${s.teamId}, ${fired ? "schedule.fired" : "schedule.skipped"}, 'schedule', ${s.id}, ${JSON.stringify(audit)}::jsonb, ${now}::timestamp(3))`;
  log.info({ scheduleId: s.id, dueAt: r.dueAt.toISOString(), status: r.status, skipCode: r.skipCode }, fired ? "schedule fired" : "schedule skipped");
  return r;
}

// What the scheduled run is started as: the team, with the person who created the schedule.
function contextOf(s: Loaded): TeamContext {
  const { id, slug, name, personal, isTrial } = s.team;
  return { team: { id, slug, name, personal, isTrial }, role: "MEMBER", user: s.createdBy, tokenId: null };
}

const skip = (dueAt: Date, skipCode: SkipCode, reason: string): FiringResult => ({ dueAt, status: "SKIPPED", skipCode, reason });

function refusal(dueAt: Date, err: unknown): FiringResult {
  if (err instanceof RunRefusedError) {
    if (err.code === "cluster-unreachable") return skip(dueAt, "cluster-unreachable", err.message);
    if (err.code === "concurrency-limit") return skip(dueAt, "concurrency-limit", err.message);
    return skip(dueAt, "refused", err.message);
  }
  if (err instanceof ExperimentError) return skip(dueAt, err.code === "busy" ? "busy" : "refused", err.message);
  return skip(dueAt, "error", `Could not start: ${err instanceof Error ? err.message : String(err)}`);
}

// Checks that need no cluster (read with the schedule), then the start itself (whose refusals
// are the rest of the reasons).
async function start(s: Loaded, dueAt: Date): Promise<FiringResult> {
  if (s.team.isTrial) return skip(dueAt, "refused", "Trial teams cannot schedule.");
  if (s.busy) return skip(dueAt, "busy", `The previous ${s.busy.kind} (${s.busy.id}) is still running.`);
  const team = s.team;
  if (team.activeRuns >= team.maxConcurrentRuns) {
    return skip(dueAt, "concurrency-limit", `The team has ${plural(team.activeRuns, "run")} in progress; its limit is ${team.maxConcurrentRuns}.`);
  }
  const c = s.cluster;
  if (c?.status === "UNREACHABLE") return skip(dueAt, "cluster-unreachable", `The cluster ${c.name} is unreachable${c.statusMessage ? `: ${c.statusMessage}` : "."}`);
  try {
    if (s.experimentId) {
      const execution = await startExecution(contextOf(s), s.experimentId, { createdById: s.createdById ?? undefined, scheduleId: s.id });
      return { dueAt, status: "FIRED", executionId: execution.id };
    }
    const { run } = await startRun({
      teamId: s.teamId,
      clusterId: s.clusterId!,
      actionId: s.actionId!,
      params: s.params ?? {},
      createdById: s.createdById ?? undefined,
      scheduleId: s.id,
    });
    return { dueAt, status: "FIRED", runId: run.id };
  } catch (err) {
    return refusal(dueAt, err);
  }
}

export interface FireOptions {
  /** How late a due time may be handled and still count as on time (ms). */
  lateAfterMs: number;
  now?: Date;
}

/**
 * Handles one due time of a schedule, delivered by its job scheduler. Exactly once: a time
 * already recorded (another worker, a duplicate delivery) does nothing and returns null, as do
 * a paused or deleted schedule and a time its (edited) expression no longer has. A delivery
 * later than `lateAfterMs` is a catch-up after the workers were down (catchUp).
 */
export async function fireDueTime(scheduleId: string, dueAt: Date, opts: FireOptions): Promise<FiringResult[]> {
  const s = await load(scheduleId);
  if (!s || !s.enabled || dueAt < s.activeSince || !isDueAt(s.cron, s.timezone, dueAt)) return [];
  const now = opts.now ?? new Date();
  if (now.getTime() - dueAt.getTime() > opts.lateAfterMs) return catchUpLoaded(s, opts);
  const firingId = await claim(s, dueAt, false);
  if (!firingId) return [];
  return [await record(s, firingId, await start(s, dueAt))];
}

/**
 * The due times of a schedule that passed more than `lateAfterMs` ago with nothing recorded
 * (every worker was down, Redis lost its schedulers): by the schedule's late policy, the newest
 * is run late and the older ones are recorded as skipped, or all are recorded as skipped.
 */
export async function catchUp(scheduleId: string, opts: FireOptions): Promise<FiringResult[]> {
  const s = await load(scheduleId);
  if (!s || !s.enabled) return [];
  return catchUpLoaded(s, opts);
}

async function catchUpLoaded(s: Loaded, opts: FireOptions): Promise<FiringResult[]> {
  const now = opts.now ?? new Date();
  const until = new Date(now.getTime() - opts.lateAfterMs);
  const last = await db.scheduleFiring.findFirst({ where: { scheduleId: s.id }, orderBy: { dueAt: "desc" }, select: { dueAt: true } });
  const after = last && last.dueAt > s.activeSince ? last.dueAt : new Date(s.activeSince.getTime() - 1);
  if (until <= after) return [];
  const missed = dueTimesBetween(s.cron, s.timezone, after, until);
  const out: FiringResult[] = [];
  for (const [i, dueAt] of missed.entries()) {
    const newest = i === missed.length - 1;
    const firingId = await claim(s, dueAt, true);
    if (!firingId) continue;
    const when = `no worker was running at ${dueAt.toISOString()}`;
    if (s.latePolicy === "SKIP") out.push(await record(s, firingId, skip(dueAt, "missed", `Missed: ${when}; the schedule skips missed times.`)));
    else if (!newest) out.push(await record(s, firingId, skip(dueAt, "missed", `Missed: ${when}; a later missed time was run late instead.`)));
    else {
      const r = await start(s, dueAt);
      out.push(await record(s, firingId, r.status === "FIRED" ? { ...r, reason: `Run late: ${when}.` } : r));
    }
  }
  return out;
}

/**
 * Firings claimed by a worker that stopped before recording their outcome (older than
 * `staleMs`): FIRED with the run or execution it had started (the schedule's first one queued
 * at or after the due time), or SKIPPED ("error") when it had started none. Returns how many.
 */
export async function resolveStaleFirings(staleMs: number, now = new Date()): Promise<number> {
  const stale = await db.scheduleFiring.findMany({ where: { status: "FIRING", firedAt: { lt: new Date(now.getTime() - staleMs) } }, take: 500 });
  for (const f of stale) {
    const since = { scheduleId: f.scheduleId, queuedAt: { gte: f.dueAt } };
    const [run, execution] = await Promise.all([
      db.run.findFirst({ where: since, orderBy: { queuedAt: "asc" }, select: { id: true } }),
      db.experimentExecution.findFirst({ where: since, orderBy: { queuedAt: "asc" }, select: { id: true } }),
    ]);
    const data =
      run || execution
        ? { status: "FIRED" as const, runId: run?.id ?? null, executionId: execution?.id ?? null }
        : { status: "SKIPPED" as const, skipCode: "error", reason: "Its worker stopped while starting it; nothing was started." };
    await db.scheduleFiring.updateMany({ where: { id: f.id, status: "FIRING" }, data });
  }
  return stale.length;
}
