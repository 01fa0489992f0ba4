import { checkSafety, getAction, RunRefusedError, type Plan } from "@/lib/actions";
import { createId, db, postgresErrorCode, type Db, type Run } from "@/lib/db";
import { recordAudit, type AuditEntry } from "@/lib/audit";
import { createLogger } from "@/lib/log";
import { DependencyTimeoutError, outageOf, withinDeadline } from "@/lib/http/outage";
import { checkTrialRuns } from "@/lib/trials/limits";
import { resolveRun, type RunRequest } from "./plan-run";
import { runColumns } from "./run-columns";
import { runsRequested } from "./run-metrics";
import { enqueueRun } from "./run-queue";
import { publishRunEvents } from "./run-events";
import { plural } from "@/lib/text";

const log = createLogger("runs");

// How long starting a run waits for Redis to take its queue message.
const ENQUEUE_DEADLINE_MS = 5_000;

// The SQLSTATE with which PostgreSQL refuses a run over the team's concurrent-run limit.
const OVER_RUN_LIMIT = "PR001";

function isOverRunLimit(err: unknown): boolean {
  return postgresErrorCode(err) === OVER_RUN_LIMIT;
}

type NewRun = Pick<Run, "teamId" | "clusterId" | "actionId" | "dryRun"> & {
  params: unknown;
  plan: Plan;
  createdById?: string;
  apiTokenId?: string;
  scheduleId?: string;
  executionId?: string;
  stageIndex?: number;
  faultIndex?: number;
};

// One INSERT ... RETURNING of the run (a raw statement: starting runs is the hot path of the
// web side, and Prisma's query compilation cost more than the statement). The id and the
// queue time are made here, as Prisma's cuid() and now() defaults would be.
async function insertRun(q: Pick<Db, "$queryRaw">, data: NewRun, state: "QUEUED" | "SUCCEEDED"): Promise<Run> {
  const now = new Date();
  const finished = state === "SUCCEEDED" ? now : null;
  const rows = await q.$queryRaw<Run[]>`
    INSERT INTO "Run" ("id", "teamId", "clusterId", "actionId", "params", "plan", "dryRun", "createdById", "apiTokenId",
      "scheduleId", "executionId", "stageIndex", "faultIndex", "state", "progress", "queuedAt", "startedAt", "finishedAt")
    VALUES (${createId()}, ${data.teamId}, ${data.clusterId}, ${data.actionId}, ${JSON.stringify(data.params)}::jsonb,
      ${JSON.stringify(data.plan)}::jsonb, ${data.dryRun}, ${data.createdById ?? null}, ${data.apiTokenId ?? null},
      ${data.scheduleId ?? null}, ${data.executionId ?? null}, ${data.stageIndex ?? null}::int, ${data.faultIndex ?? null}::int, ${state}::"RunState", ${finished ? 100 : 0}, ${now}::timestamp(3),
      ${finished}::timestamp(3), ${finished}::timestamp(3))
    RETURNING ${runColumns("")}`;
  return rows[0]!;
}

// Records the run, with its audit event in the same transaction: a run is never started
// without its record, and a failure to write the record leaves no run. The concurrent-run
// limit is kept by PostgreSQL itself (triggers on "Run", migration team_active_runs, count
// each team's runs in progress and refuse one too many), so two requests at once cannot both
// pass the limit.
async function createRow(r: Awaited<ReturnType<typeof resolveRun>>, audit?: RunAudit): Promise<Run> {
  const { request, team } = r;
  const data: NewRun = {
    teamId: team.id,
    clusterId: r.cluster.id,
    actionId: r.action.id,
    params: r.params,
    plan: r.plan,
    dryRun: request.dryRun,
    createdById: request.createdById,
    apiTokenId: request.apiTokenId,
    scheduleId: request.scheduleId,
    executionId: request.executionId,
    stageIndex: request.stageIndex,
    faultIndex: request.faultIndex,
  };
  const state = request.dryRun ? "SUCCEEDED" : "QUEUED";
  try {
    // The common case, a run without a record to write, stays one statement.
    if (!team.isTrial && !audit) return await insertRun(db, data, state);
    return await db.$transaction(async (tx) => {
      // A trial team has a fixed number of runs (lib/trials), counted under a per-team lock.
      if (team.isTrial && !request.dryRun) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`runs:${team.id}`}, 0))`;
        await checkTrialRuns(tx, team);
      }
      const run = await insertRun(tx, data, state);
      if (audit) await recordAudit(audit(run, r.plan), tx);
      return run;
    });
  } catch (err) {
    if (!isOverRunLimit(err)) throw err;
    const now = await db.team.findUnique({ where: { id: team.id }, select: { activeRuns: true, maxConcurrentRuns: true } });
    const pending = now?.activeRuns ?? team.activeRuns;
    const limit = now?.maxConcurrentRuns ?? team.maxConcurrentRuns;
    throw new RunRefusedError("concurrency-limit", `The team has ${plural(pending, "run")} in progress; its limit is ${limit}`, { pending, limit });
  }
}

/** The audit event of a run, made from the run as recorded: written in the run's own transaction. */
export type RunAudit = (run: Run, plan: Plan) => AuditEntry;

/**
 * Starts a run: validates the params with the action's schema, resolves the plan (exactly
 * what will be hit), applies the team's safety rules and concurrent-run limit, records the run
 * as QUEUED with its plan (and, given `audit`, its audit event in the same transaction) and
 * queues it (the run id is the job id; the message carries only the id). With dryRun the run is recorded as a finished dry run and nothing is queued.
 * Throws RunRefusedError (nothing written, nothing changed) when the run may not start.
 */
export async function startRun(input: RunRequest, opts: { audit?: RunAudit } = {}): Promise<{ run: Run; plan: Plan }> {
  // Only known ids become metric labels: a junk id must not create a new series.
  const actionLabel = getAction(String(input.actionId))?.id ?? "unknown";
  try {
    const resolved = await resolveRun(input);
    checkSafety(resolved.action.id, resolved.plan, resolved.team, resolved.request.confirm);
    const run = await createRow(resolved, opts.audit);
    if (!run.dryRun) {
      try {
        await withinDeadline("queue", ENQUEUE_DEADLINE_MS, enqueueRun(run.id));
      } catch (err) {
        // Redis is away: the run is taken back rather than left half-made, and the caller is
        // told to try again (503). Should a worker have claimed it meanwhile (the message went
        // through after all), it stands and is answered as started.
        const removed = await db.run.deleteMany({ where: { id: run.id, state: "QUEUED" } });
        if (removed.count > 0) {
          log.warn({ runId: run.id, err: err instanceof Error ? err.message : String(err) }, "run not queued: taken back");
          throw outageOf(err) ? err : new DependencyTimeoutError("queue", ENQUEUE_DEADLINE_MS);
        }
      }
    }
    // Lists of the team's runs show the new one at once.
    if (!run.dryRun) publishRunEvents({ runId: run.id, teamId: run.teamId }, [{ type: "state", state: "QUEUED", error: null, at: run.queuedAt.toISOString() }]);
    runsRequested.inc({ action: resolved.action.id, result: run.dryRun ? "dry-run" : "queued" });
    log.info({ runId: run.id, action: run.actionId, teamId: run.teamId, targets: resolved.plan.targets.length }, "run queued");
    return { run, plan: resolved.plan };
  } catch (err) {
    const known = err instanceof RunRefusedError;
    runsRequested.inc({ action: actionLabel, result: known ? err.code : "error" });
    throw err;
  }
}
