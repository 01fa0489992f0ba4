import { z } from "zod";
import { getAction, describeAction } from "@/lib/actions";
import { auditActor, recordAudit } from "@/lib/audit";
import { db, type Prisma, type Schedule } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { describeIssues } from "@/lib/validation";
import { checkCron, describeCron, nextTimes, CRON_MAX_LENGTH } from "./cron";
import { removeScheduler, upsertScheduler } from "./queue";

const log = createLogger("schedules");

export class ScheduleError extends Error {
  constructor(
    readonly code: "invalid" | "not-found" | "trial",
    message: string,
    /** For invalid: one sentence per field. */
    readonly errors: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const LATE_POLICIES = ["run-late", "skip"] as const;
export type LatePolicy = (typeof LATE_POLICIES)[number];
const toColumn = (p: LatePolicy): "SKIP" | "RUN_LATE" => (p === "skip" ? "SKIP" : "RUN_LATE");
export const latePolicyOf = (s: Pick<Schedule, "latePolicy">): LatePolicy => (s.latePolicy === "SKIP" ? "skip" : "run-late");

/** A schedule as people and the API give it: an experiment, or an action on a cluster with its params. */
export const scheduleInputSchema = z
  .strictObject({
    experimentId: z.string().min(1).max(64).optional(),
    clusterId: z.string().min(1).max(64).optional(),
    actionId: z.string().min(1).max(64).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    cron: z.string().max(CRON_MAX_LENGTH),
    timezone: z.string().min(1).max(64).default("UTC"),
    latePolicy: z.enum(LATE_POLICIES).default("run-late"),
    enabled: z.boolean().default(true),
  })
  .superRefine((v, ctx) => {
    const experiment = v.experimentId !== undefined;
    const action = v.actionId !== undefined || v.clusterId !== undefined || v.params !== undefined;
    if (experiment === action) ctx.addIssue({ code: "custom", path: ["experimentId"], message: "Schedule either an experiment, or an action on a cluster with its params: exactly one." });
    else if (action && (!v.actionId || !v.clusterId)) ctx.addIssue({ code: "custom", path: [v.actionId ? "clusterId" : "actionId"], message: "An action schedule needs the action and the cluster." });
  });
export type ScheduleInput = z.input<typeof scheduleInputSchema>;

/** An edit: any of the fields; the target (experiment or action) may change too. */
export const scheduleUpdateSchema = z.strictObject({
  experimentId: z.string().min(1).max(64).optional(),
  clusterId: z.string().min(1).max(64).optional(),
  actionId: z.string().min(1).max(64).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  cron: z.string().max(CRON_MAX_LENGTH).optional(),
  timezone: z.string().min(1).max(64).optional(),
  latePolicy: z.enum(LATE_POLICIES).optional(),
  enabled: z.boolean().optional(),
});
export type ScheduleUpdate = z.input<typeof scheduleUpdateSchema>;

export interface ScheduleSummary {
  id: string;
  kind: "experiment" | "action";
  /** The experiment's name, or the action's name and the cluster's. */
  what: string;
  experimentId: string | null;
  actionId: string | null;
  clusterId: string | null;
  params: unknown;
  cron: string;
  /** The expression in words, or null for shapes without one. */
  description: string | null;
  timezone: string;
  enabled: boolean;
  latePolicy: LatePolicy;
  createdBy: string | null;
  createdAt: string;
  lastFiredAt: string | null;
  /** Computed from the expression, never stored; null while paused. */
  nextAt: string | null;
  last: { dueAt: string; status: "FIRING" | "FIRED" | "SKIPPED"; skipCode: string | null; reason: string | null; runId: string | null; executionId: string | null; late: boolean } | null;
}

function invalid(errors: Record<string, string>): ScheduleError {
  return new ScheduleError("invalid", Object.values(errors).join(" "), errors);
}

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "";
    errors[key] ??= describeIssues([issue]);
  }
  throw invalid(errors);
}

type Target = { experimentId: string; clusterId: null; actionId: null; params: null } | { experimentId: null; clusterId: string; actionId: string; params: Record<string, unknown> };

// The target exists in the caller's team and its params pass the action's own schema.
async function checkTarget(ctx: TeamContext, t: Target): Promise<void> {
  if (t.experimentId) {
    const found = await db.experiment.count({ where: { ...scoped(ctx), id: t.experimentId } });
    if (!found) throw invalid({ experimentId: "No such experiment in this team." });
    return;
  }
  const action = getAction(t.actionId!);
  if (!action) throw invalid({ actionId: `There is no action "${t.actionId}".` });
  const cluster = await db.cluster.count({ where: { ...scoped(ctx), id: t.clusterId! } });
  if (!cluster) throw invalid({ clusterId: "No such cluster in this team." });
  const parsed = action.params.safeParse(t.params ?? {});
  if (!parsed.success) {
    const props = (describeAction(action).paramsSchema.properties ?? {}) as Record<string, { description?: string }>;
    const labels = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.description ?? k]));
    throw invalid({ params: describeIssues(parsed.error.issues, labels) });
  }
}

function checkTiming(cron: string, timezone: string): void {
  const c = checkCron(cron, timezone);
  if (!c.ok) throw invalid({ [c.field]: c.message });
}

function refuseTrial(ctx: TeamContext): void {
  if (ctx.team.isTrial) throw new ScheduleError("trial", "Trial teams cannot schedule; create an account to keep experiments running on a schedule.");
}

// The queue follows the row: an enabled schedule has its job scheduler, a paused one none. A
// failure here is repaired by the workers' periodic ensure (ensureSchedulers).
async function syncScheduler(s: Pick<Schedule, "id" | "cron" | "timezone" | "enabled">): Promise<void> {
  try {
    if (s.enabled) await upsertScheduler(s);
    else await removeScheduler(s.id);
  } catch (err) {
    log.warn({ scheduleId: s.id, err: err instanceof Error ? err.message : String(err) }, "job scheduler not updated; the workers' ensure will");
  }
}

const auditData = (s: Schedule): Prisma.InputJsonValue => ({
  experimentId: s.experimentId,
  actionId: s.actionId,
  clusterId: s.clusterId,
  params: (s.params ?? null) as Prisma.InputJsonValue,
  cron: s.cron,
  timezone: s.timezone,
  enabled: s.enabled,
  latePolicy: latePolicyOf(s),
});

/** Creates a schedule and its job scheduler; ScheduleError on bad input (a sentence per field) or a trial team. */
export async function createSchedule(ctx: TeamContext, input: ScheduleInput): Promise<Schedule> {
  refuseTrial(ctx);
  const v = parseOrThrow(scheduleInputSchema, input);
  checkTiming(v.cron, v.timezone);
  const target: Target = v.experimentId
    ? { experimentId: v.experimentId, clusterId: null, actionId: null, params: null }
    : { experimentId: null, clusterId: v.clusterId!, actionId: v.actionId!, params: v.params ?? {} };
  await checkTarget(ctx, target);
  const row = await db.$transaction(async (tx) => {
    const s = await tx.schedule.create({
      data: {
        teamId: ctx.team.id,
        experimentId: target.experimentId,
        clusterId: target.clusterId,
        actionId: target.actionId,
        params: (target.params ?? undefined) as Prisma.InputJsonValue | undefined,
        cron: v.cron.trim(),
        timezone: v.timezone,
        enabled: v.enabled,
        latePolicy: toColumn(v.latePolicy),
        createdById: ctx.user?.id ?? null,
      },
    });
    await recordAudit({ action: "schedule.created", ...auditActor(ctx), targetType: "schedule", targetId: s.id, data: auditData(s) }, tx);
    return s;
  });
  await syncScheduler(row);
  return row;
}

async function findOwn(ctx: TeamContext, id: string): Promise<Schedule> {
  const s = await db.schedule.findFirst({ where: { ...scoped(ctx), id } });
  if (!s) throw new ScheduleError("not-found", "No such schedule in this team.");
  return s;
}

/** Edits a schedule (any field; pausing is `enabled: false`); the audit log keeps what it was and what it became. */
export async function updateSchedule(ctx: TeamContext, id: string, input: ScheduleUpdate): Promise<Schedule> {
  refuseTrial(ctx);
  const v = parseOrThrow(scheduleUpdateSchema, input);
  const before = await findOwn(ctx, id);
  const retarget = v.experimentId !== undefined || v.actionId !== undefined || v.clusterId !== undefined || v.params !== undefined;
  let target: Target | null = null;
  if (retarget) {
    if (v.experimentId !== undefined && (v.actionId !== undefined || v.clusterId !== undefined || v.params !== undefined)) {
      throw invalid({ experimentId: "Schedule either an experiment, or an action on a cluster with its params: exactly one." });
    }
    target = v.experimentId
      ? { experimentId: v.experimentId, clusterId: null, actionId: null, params: null }
      : {
          experimentId: null,
          actionId: v.actionId ?? before.actionId ?? "",
          clusterId: v.clusterId ?? before.clusterId ?? "",
          params: v.params ?? ((before.params ?? {}) as Record<string, unknown>),
        };
    if (!target.experimentId && (!target.actionId || !target.clusterId)) throw invalid({ actionId: "An action schedule needs the action and the cluster." });
    await checkTarget(ctx, target);
  }
  const cron = (v.cron ?? before.cron).trim();
  const timezone = v.timezone ?? before.timezone;
  checkTiming(cron, timezone);
  const enabled = v.enabled ?? before.enabled;
  // A changed expression, or a resume, starts afresh: due times before now are not caught up.
  const restart = cron !== before.cron || timezone !== before.timezone || (enabled && !before.enabled);
  const after = await db.$transaction(async (tx) => {
    const s = await tx.schedule.update({
      where: { id: before.id },
      data: {
        cron,
        timezone,
        enabled,
        ...(v.latePolicy ? { latePolicy: toColumn(v.latePolicy) } : {}),
        ...(target
          ? { experimentId: target.experimentId, clusterId: target.clusterId, actionId: target.actionId, params: (target.params ?? null) as Prisma.InputJsonValue }
          : {}),
        ...(restart ? { activeSince: new Date() } : {}),
      },
    });
    const action = enabled !== before.enabled && Object.keys(v).length === 1 ? (enabled ? "schedule.resumed" : "schedule.paused") : "schedule.updated";
    await recordAudit({ action, ...auditActor(ctx), targetType: "schedule", targetId: s.id, data: { before: auditData(before), after: auditData(s) } }, tx);
    return s;
  });
  await syncScheduler(after);
  return after;
}

export const pauseSchedule = (ctx: TeamContext, id: string) => updateSchedule(ctx, id, { enabled: false });
export const resumeSchedule = (ctx: TeamContext, id: string) => updateSchedule(ctx, id, { enabled: true });

/** Deletes a schedule, its firings and its job scheduler; its past runs and executions stay. */
export async function deleteSchedule(ctx: TeamContext, id: string): Promise<void> {
  const s = await findOwn(ctx, id);
  await db.$transaction(async (tx) => {
    await tx.schedule.delete({ where: { id: s.id } });
    await recordAudit({ action: "schedule.deleted", ...auditActor(ctx), targetType: "schedule", targetId: s.id, data: auditData(s) }, tx);
  });
  await removeScheduler(s.id).catch((err: Error) => log.warn({ scheduleId: s.id, err: err.message }, "job scheduler not removed; the workers' ensure will"));
}

const listInclude = {
  experiment: { select: { name: true } },
  cluster: { select: { name: true } },
  createdBy: { select: { name: true, email: true } },
  firings: { orderBy: { dueAt: "desc" }, take: 1 },
} as const satisfies Prisma.ScheduleInclude;

type Listed = Prisma.ScheduleGetPayload<{ include: typeof listInclude }>;

function summaryOf(s: Listed, now: Date): ScheduleSummary {
  const action = s.actionId ? getAction(s.actionId) : undefined;
  const last = s.firings[0];
  let nextAt: string | null = null;
  if (s.enabled) {
    try {
      nextAt = nextTimes(s.cron, s.timezone, 1, now)[0]?.toISOString() ?? null;
    } catch {
      nextAt = null;
    }
  }
  return {
    id: s.id,
    kind: s.experimentId ? "experiment" : "action",
    what: s.experimentId ? (s.experiment?.name ?? "experiment") : `${action?.title ?? s.actionId} on ${s.cluster?.name ?? "a cluster"}`,
    experimentId: s.experimentId,
    actionId: s.actionId,
    clusterId: s.clusterId,
    params: s.params,
    cron: s.cron,
    description: describeCron(s.cron),
    timezone: s.timezone,
    enabled: s.enabled,
    latePolicy: latePolicyOf(s),
    createdBy: s.createdBy ? s.createdBy.name || s.createdBy.email : null,
    createdAt: s.createdAt.toISOString(),
    lastFiredAt: s.lastFiredAt?.toISOString() ?? null,
    nextAt,
    last: last
      ? { dueAt: last.dueAt.toISOString(), status: last.status, skipCode: last.skipCode, reason: last.reason, runId: last.runId, executionId: last.executionId, late: last.late }
      : null,
  };
}

/** The team's schedules, oldest first, each with its next time and its last firing. */
export async function listSchedules(ctx: TeamContext): Promise<ScheduleSummary[]> {
  const rows = await db.schedule.findMany({ where: scoped(ctx), include: listInclude, orderBy: { createdAt: "asc" } });
  const now = new Date();
  return rows.map((r) => summaryOf(r, now));
}

export async function getSchedule(ctx: TeamContext, id: string): Promise<ScheduleSummary> {
  const row = await db.schedule.findFirst({ where: { ...scoped(ctx), id }, include: listInclude });
  if (!row) throw new ScheduleError("not-found", "No such schedule in this team.");
  return summaryOf(row, new Date());
}

/** A schedule's recorded due times, newest first. */
export async function listFirings(ctx: TeamContext, id: string, limit = 50) {
  await findOwn(ctx, id);
  return db.scheduleFiring.findMany({ where: { ...scoped(ctx), scheduleId: id }, orderBy: { dueAt: "desc" }, take: Math.min(Math.max(limit, 1), 200) });
}

/** The preview before saving: the next `count` times, or the sentence saying what is wrong. */
export function previewSchedule(cron: string, timezone: string, count = 5): { ok: true; times: string[]; description: string | null } | { ok: false; field: string; message: string } {
  const c = checkCron(cron, timezone);
  if (!c.ok) return c;
  return { ok: true, times: nextTimes(cron, timezone, count).map((d) => d.toISOString()), description: describeCron(cron) };
}
