import { z } from "zod";
import { db, type ExecutionState } from "@/lib/db";
import { getExecutionDetail, isVerdict, verdictLabel, type ExecutionDetail } from "@/lib/experiments";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { durationOf } from "./diff";

// The report of one execution or of a time range (the team's, or one experiment's), as JSON for
// people who attach it to a review, and as the data the printable page and the PDF draw. The
// shape is versioned by `schema` and described by reportSchema below (the OpenAPI document
// and the docs show it); fields are only ever added within a version.

export const REPORT_SCHEMA_ID = "pystol.report/v1";
/** A range report lists at most this many executions, newest first (`truncated` says when more matched). */
export const REPORT_MAX_EXECUTIONS = 1000;
/** The longest range one report covers. */
export const REPORT_MAX_RANGE_DAYS = 366;

const EXECUTION_STATES = ["QUEUED", "CHECKING", "INJECTING", "OBSERVING", "RECOVERING", "STOPPING", "PASSED", "FAILED", "STOPPED", "ABORTED", "ERROR", "NOT_STARTED"] as const satisfies readonly ExecutionState[];
const outcome = z.enum(["pass", "fail", "error"]).nullable();
const isoDate = z.string().describe("ISO 8601 time, UTC");

const executionRowSchema = z.object({
  id: z.string(),
  experiment: z.object({ id: z.string(), name: z.string() }),
  version: z.number().int().describe("The experiment's version this execution ran"),
  state: z.enum(EXECUTION_STATES),
  verdict: z.string().nullable().describe("passed, failed, stopped, aborted, error, not started; null while in progress"),
  reason: z.string().nullable(),
  score: z.number().int().nullable().describe("The resilience score, 0–100; null when no check ran"),
  queuedAt: isoDate,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  durationMs: z.number().int().nullable(),
  createdBy: z.string().nullable().describe("Who started it; null for a schedule or an API token"),
});

const executionDetailSchema = executionRowSchema.extend({
  cluster: z.object({ id: z.string(), name: z.string() }),
  trippedBy: z.object({ check: z.string(), at: isoDate }).nullable(),
  stages: z.array(
    z.object({
      name: z.string(),
      startedAt: isoDate.nullable(),
      endedAt: isoDate.nullable(),
      faults: z.array(z.object({ name: z.string(), actionId: z.string(), runId: z.string().nullable(), state: z.string().nullable(), summary: z.string().nullable() })),
    }),
  ),
  checks: z.array(
    z.object({
      name: z.string(),
      type: z.enum(["http", "kubernetes", "prometheus"]),
      mode: z.enum(["before", "during", "after", "before-and-after"]),
      outcome: z.object({ before: outcome, during: outcome, after: outcome }),
      tripped: z.boolean(),
      evaluations: z.number().int(),
      failures: z.number().int().describe("Evaluations that failed or erred"),
      last: z.string().nullable().describe("What the last evaluation observed"),
    }),
  ),
});

export const reportSchema = z
  .object({
    schema: z.literal(REPORT_SCHEMA_ID),
    kind: z.enum(["execution", "range"]),
    generatedAt: isoDate,
    team: z.object({ slug: z.string(), name: z.string() }),
    experiment: z.object({ id: z.string(), name: z.string() }).nullable().describe("The experiment the report is about; null for a whole team's range"),
    range: z.object({ from: isoDate, to: isoDate }).nullable().describe("The executions queued in this range; null for one execution's report"),
    summary: z.object({
      executions: z.number().int(),
      byVerdict: z.record(z.string(), z.number().int()).describe("How many executions ended with each verdict (passed, failed, …), and in progress"),
      meanScore: z.number().nullable(),
      passRate: z.number().nullable().describe("Share of finished executions that passed, 0–1"),
    }),
    executions: z.array(executionRowSchema).describe("Newest first"),
    truncated: z.boolean(),
    execution: executionDetailSchema.nullable().describe("The execution in full, for an execution's report"),
  })
  .describe("A resilience report (JSON export); `schema` names its version");

export type Report = z.infer<typeof reportSchema>;
export type ReportExecutionRow = z.infer<typeof executionRowSchema>;
export type ReportExecutionDetail = z.infer<typeof executionDetailSchema>;

/**
 * What a person or the API asks for: one execution (`execution`), or the executions queued in a
 * range (`from`, `to`; 30 days up to now by default) of the team or of one experiment
 * (`experiment`, its id or name); `format` json (default), html (the printable page) or pdf.
 */
export const reportRequestSchema = z
  .strictObject(
    {
    format: z.enum(["json", "html", "pdf"], { error: "format is json, html or pdf." }).default("json"),
    execution: z.string().min(1, { error: "Name the execution." }).max(64, { error: "An execution id has at most 64 characters." }).optional(),
    experiment: z.string().min(1, { error: "Name the experiment." }).max(128, { error: "An experiment id or name has at most 128 characters." }).optional(),
    from: z.coerce.date({ error: "from is a date or time, such as 2026-11-01." }).optional(),
    // A bare date as `to` takes that whole day in (the range ends at the next midnight, UTC).
    to: z.preprocess((v) => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(Date.parse(`${v}T00:00:00Z`) + 86_400_000) : v), z.coerce.date({ error: "to is a date or time, such as 2026-12-01." })).optional(),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? `A report takes format, execution, experiment, from and to only; remove ${i.keys.join(", ")}.` : "Invalid report request.") },
  )
  .refine((q) => !q.execution || (!q.experiment && !q.from && !q.to), { error: "Ask for one execution, or for a range (experiment, from, to), not both.", path: ["execution"] });
export type ReportRequest = z.infer<typeof reportRequestSchema>;

export class ReportError extends Error {
  constructor(
    readonly code: "not-found" | "bad-range",
    message: string,
  ) {
    super(message);
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function rowOf(x: { id: string; experiment: { id: string; name: string }; version: number; state: ExecutionState; reason: string | null; score: number | null; queuedAt: Date; startedAt: Date | null; finishedAt: Date | null; createdBy: { name: string } | null }): ReportExecutionRow {
  return {
    id: x.id,
    experiment: x.experiment,
    version: x.version,
    state: x.state,
    verdict: isVerdict(x.state) ? verdictLabel(x.state) : null,
    reason: x.reason,
    score: x.score,
    queuedAt: x.queuedAt.toISOString(),
    startedAt: iso(x.startedAt),
    finishedAt: iso(x.finishedAt),
    durationMs: durationOf(x),
    createdBy: x.createdBy?.name ?? null,
  };
}

function detailOf(x: ExecutionDetail): ReportExecutionDetail {
  return {
    ...rowOf(x),
    cluster: { id: x.cluster.id, name: x.cluster.name },
    trippedBy: x.trippedBy ? { check: x.trippedBy.name, at: x.trippedBy.at.toISOString() } : null,
    stages: x.stages.map((s) => ({
      name: s.name,
      startedAt: iso(s.startedAt),
      endedAt: iso(s.endedAt),
      faults: s.faults.map((f) => ({ name: f.name, actionId: f.actionId, runId: f.runId, state: f.state, summary: f.summary })),
    })),
    checks: x.checks.map((c) => ({
      name: c.name,
      type: c.type,
      mode: c.mode,
      outcome: c.outcome,
      tripped: c.tripped,
      evaluations: c.samples.length,
      failures: c.samples.filter((s) => s.outcome !== "pass").length,
      last: c.samples.at(-1)?.observed ?? null,
    })),
  };
}

function summaryOf(rows: ReportExecutionRow[]): Report["summary"] {
  const byVerdict: Record<string, number> = {};
  for (const r of rows) {
    const key = r.verdict ?? "in progress";
    byVerdict[key] = (byVerdict[key] ?? 0) + 1;
  }
  const scores = rows.map((r) => r.score).filter((s): s is number => s !== null);
  const finished = rows.filter((r) => r.verdict !== null);
  return {
    executions: rows.length,
    byVerdict,
    meanScore: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10 : null,
    passRate: finished.length ? Math.round((finished.filter((r) => r.state === "PASSED").length / finished.length) * 1000) / 1000 : null,
  };
}

const team = (ctx: TeamContext) => ({ slug: ctx.team.slug, name: ctx.team.name });

/** One execution's report; ReportError not-found when it is not the team's. */
export async function executionReport(ctx: TeamContext, executionId: string, now = new Date()): Promise<Report> {
  const x = await getExecutionDetail(ctx.team.id, executionId);
  if (!x) throw new ReportError("not-found", "No such execution in this team.");
  const detail = detailOf(x);
  const { cluster: _c, trippedBy: _t, stages: _s, checks: _k, ...row } = detail;
  return reportSchema.parse({
    schema: REPORT_SCHEMA_ID,
    kind: "execution",
    generatedAt: now.toISOString(),
    team: team(ctx),
    experiment: x.experiment,
    range: null,
    summary: summaryOf([row]),
    executions: [row],
    truncated: false,
    execution: detail,
  });
}

const DAY = 86_400_000;

/** The executions queued in [from, to) of the team, or of one of its experiments; 30 days up to now unless told. */
export async function rangeReport(ctx: TeamContext, opts: { experimentId?: string; from?: Date; to?: Date }, now = new Date()): Promise<Report> {
  const to = opts.to ?? now;
  const from = opts.from ?? new Date(to.getTime() - 30 * DAY);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new ReportError("bad-range", "from and to are dates or times, such as 2026-11-01.");
  if (from >= to) throw new ReportError("bad-range", "from must be before to.");
  if (to.getTime() - from.getTime() > REPORT_MAX_RANGE_DAYS * DAY) throw new ReportError("bad-range", `A report covers at most ${REPORT_MAX_RANGE_DAYS} days.`);
  let experiment: { id: string; name: string } | null = null;
  if (opts.experimentId) {
    experiment = await db.experiment.findFirst({ where: { ...scoped(ctx), OR: [{ id: opts.experimentId }, { name: opts.experimentId }] }, select: { id: true, name: true } });
    if (!experiment) throw new ReportError("not-found", "No such experiment in this team.");
  }
  const rows = await db.experimentExecution.findMany({
    where: { ...scoped(ctx), ...(experiment ? { experimentId: experiment.id } : {}), queuedAt: { gte: from, lt: to } },
    orderBy: { queuedAt: "desc" },
    take: REPORT_MAX_EXECUTIONS + 1,
    select: {
      id: true,
      version: true,
      state: true,
      reason: true,
      score: true,
      queuedAt: true,
      startedAt: true,
      finishedAt: true,
      experiment: { select: { id: true, name: true } },
      createdBy: { select: { name: true } },
    },
  });
  const list = rows.slice(0, REPORT_MAX_EXECUTIONS).map(rowOf);
  return reportSchema.parse({
    schema: REPORT_SCHEMA_ID,
    kind: "range",
    generatedAt: now.toISOString(),
    team: team(ctx),
    experiment,
    range: { from: from.toISOString(), to: to.toISOString() },
    summary: summaryOf(list),
    executions: list,
    truncated: rows.length > REPORT_MAX_EXECUTIONS,
    execution: null,
  });
}

/** The report a request asks for. */
export function buildReport(ctx: TeamContext, req: ReportRequest, now = new Date()): Promise<Report> {
  if (req.execution) return executionReport(ctx, req.execution, now);
  return rangeReport(ctx, { experimentId: req.experiment, from: req.from, to: req.to }, now);
}

/** A file name for the report: pystol-report-<experiment or team>-<date>. */
export function reportFileName(r: Report, ext: "pdf" | "json"): string {
  const who = (r.experiment?.name ?? r.team.slug).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "team";
  const when = (r.execution?.queuedAt ?? r.range?.to ?? r.generatedAt).slice(0, 10);
  return `pystol-report-${who}-${when}.${ext}`;
}
