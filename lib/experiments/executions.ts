import { RunRefusedError } from "@/lib/actions";
import { auditActor, recordAudit } from "@/lib/audit";
import type { CheckOutcome } from "@/lib/checks";
import { createId, db, type ExecutionState, type ExperimentExecution, type Prisma } from "@/lib/db";
import { DependencyTimeoutError, outageOf, withinDeadline } from "@/lib/http/outage";
import { createLogger } from "@/lib/log";
import { abortedByOf, type AbortedBy } from "@/lib/runs";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { getAction } from "@/lib/actions";
import { ExperimentError } from "./errors";
import { noticeExecutionControl, publishExecutionEvents } from "./execution-events";
import { checkThreshold, hasTripped } from "./judge";
import { planExperiment, stepLabel } from "./plan-experiment";
import { enqueueExecution, executionQueue } from "./queues";
import { PENDING_EXECUTION_STATES } from "./states";
import { definitionOf } from "./store";
import type { CheckSamplePoint, ExecutionDetail, ExecutionSummary } from "./types";
import { notifyExecutionVerdictSafely } from "@/lib/webhooks/notify";

const log = createLogger("experiments");
// How long a start waits for Redis to take the execution's message (as a run's start does).
const ENQUEUE_DEADLINE_MS = 5_000;

export interface StartExecutionOptions {
  /** The typed confirmation: the experiment's name, needed when a step's plan is over the team's threshold. */
  confirm?: string;
  createdById?: string;
  apiTokenId?: string;
  /** The planSeed of the dry run the person saw (planExperiment), so the runs hit what it showed. */
  planSeed?: string;
  /** The schedule that fired it (lib/schedules). */
  scheduleId?: string;
}

/**
 * Starts an execution of the experiment's current version: plans it (every fault step and
 * check, as planExperiment), and records it QUEUED with the definition as it is now and the
 * plan's seed, then queues it (Redis not taking it within 5 s: the execution is taken back and
 * the outage thrown, so the caller answers 503). Refused, with nothing written, by RunRefusedError (the first
 * step's refusal; "confirmation-required" when a step needs the typed confirmation and
 * `confirm` is not the experiment's name) or ExperimentError (no such experiment, one of its
 * executions still in progress).
 */
export async function startExecution(ctx: TeamContext, experimentId: string, opts: StartExecutionOptions = {}): Promise<ExperimentExecution> {
  const experiment = await db.experiment.findFirst({ where: { ...scoped(ctx), id: experimentId } });
  if (!experiment) throw new ExperimentError("not-found", "No such experiment in this team.");
  const pending = await db.experimentExecution.count({ where: { ...scoped(ctx), experimentId, state: { in: [...PENDING_EXECUTION_STATES] } } });
  if (pending > 0) throw new ExperimentError("busy", `"${experiment.name}" is running already; wait for its verdict or abort it.`);
  const plan = await planExperiment(ctx, { experimentId }, { planSeed: opts.planSeed });
  for (const [s, stage] of plan.stages.entries()) {
    for (const [f, fault] of stage.faults.entries()) {
      if (fault.refusal) throw new RunRefusedError(fault.refusal.code as RunRefusedError["code"], `${stepLabel(s, stage.name, f, fault.name)}: ${fault.refusal.message}`);
    }
  }
  if (plan.confirmReason && opts.confirm !== experiment.name) {
    throw new RunRefusedError("confirmation-required", `${plan.confirmReason} Type the experiment's name to confirm.`, { reason: plan.confirmReason });
  }
  const execution = await db.$transaction(async (tx) => {
    // Two starts at once: the second waits here and then finds the first one pending.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`experiment:${experiment.id}`}, 0))`;
    const running = await tx.experimentExecution.count({ where: { ...scoped(ctx), experimentId, state: { in: [...PENDING_EXECUTION_STATES] } } });
    if (running > 0) throw new ExperimentError("busy", `"${experiment.name}" is running already; wait for its verdict or abort it.`);
    const row = await tx.experimentExecution.create({
      data: {
        id: createId(),
        teamId: ctx.team.id,
        experimentId: experiment.id,
        version: experiment.version,
        clusterId: experiment.clusterId,
        definition: experiment.definition as Prisma.InputJsonValue,
        planSeed: plan.planSeed,
        createdById: opts.createdById ?? null,
        apiTokenId: opts.apiTokenId ?? null,
        scheduleId: opts.scheduleId ?? null,
      },
    });
    await recordAudit(
      { action: "experiment.executed", ...auditActor(ctx), targetType: "experiment", targetId: experiment.id, data: { name: experiment.name, version: experiment.version, executionId: row.id } },
      tx,
    );
    return row;
  });
  try {
    await withinDeadline("queue", ENQUEUE_DEADLINE_MS, enqueueExecution(execution.id));
  } catch (err) {
    // Redis is away: the execution is taken back rather than left behind as an error the caller
    // never hears of (it is told to try again: 503, and its retry must not find a second one).
    // Should a worker have taken it meanwhile (the message went through after all), it stands
    // and is answered as started.
    const removed = await db.experimentExecution.deleteMany({ where: { id: execution.id, state: "QUEUED" } });
    if (removed.count > 0) {
      log.warn({ executionId: execution.id, err: err instanceof Error ? err.message : String(err) }, "execution not queued: taken back");
      throw outageOf(err) ? err : new DependencyTimeoutError("queue", ENQUEUE_DEADLINE_MS);
    }
  }
  publishExecutionEvents({ executionId: execution.id, teamId: execution.teamId }, [{ type: "state", state: "QUEUED", reason: null, at: execution.queuedAt.toISOString() }]);
  log.info({ executionId: execution.id, experimentId: experiment.id, teamId: ctx.team.id }, "execution queued");
  return execution;
}

const describeAbort = (by: AbortedBy) => (by.via === "halt" ? `halted by ${by.name} (Halt all runs)` : `aborted by ${by.name}`);

/**
 * Asks an execution to stop: a queued one ends at once (ABORTED, or STOPPED for a halt); a
 * running one is marked, its worker told at once, and it aborts and rolls back every active
 * fault before its verdict (ABORTED, "aborted by <name>"; STOPPED for a halt). Returns the
 * execution's state after the call, or null for no such execution in the team.
 */
export async function requestExecutionStop(teamId: string, executionId: string, by: AbortedBy): Promise<ExecutionState | null> {
  const now = new Date();
  const verdict = by.via === "halt" ? "STOPPED" : "ABORTED";
  const reason = `${describeAbort(by)} before it started`;
  const ended = await db.experimentExecution.updateMany({
    where: { id: executionId, teamId, state: "QUEUED" },
    data: { state: verdict, reason, abortRequestedAt: now, abortedBy: by as Prisma.InputJsonValue, finishedAt: now },
  });
  if (ended.count > 0) {
    publishExecutionEvents({ executionId, teamId }, [{ type: "state", state: verdict, reason, score: null, at: now.toISOString() }]);
    await executionQueue().remove(executionId).catch(() => undefined);
    await notifyExecutionVerdictSafely(executionId);
    return verdict;
  }
  const asked = await db.experimentExecution.updateMany({
    where: { id: executionId, teamId, state: { in: [...PENDING_EXECUTION_STATES] }, abortRequestedAt: null },
    data: { abortRequestedAt: now, abortedBy: by as Prisma.InputJsonValue },
  });
  if (asked.count > 0) noticeExecutionControl(executionId);
  const row = await db.experimentExecution.findFirst({ where: { id: executionId, teamId }, select: { state: true } });
  return row?.state ?? null;
}

/** A person's (or API token's) abort of an execution of the caller's team; see requestExecutionStop. */
export async function abortExecution(ctx: TeamContext, executionId: string, by: Omit<AbortedBy, "via"> = abortedByOf(ctx)): Promise<ExecutionState | null> {
  const state = await requestExecutionStop(ctx.team.id, executionId, { ...by, via: "run" });
  if (state) {
    await recordAudit({ action: "experiment.execution-aborted", ...auditActor(ctx), targetType: "execution", targetId: executionId, data: { state } }).catch((err: Error) =>
      log.warn({ executionId, err: err.message }, "audit of an abort failed"),
    );
  }
  return state;
}

/** The team's pending executions are stopped too when the team halts all its runs; returns how many were asked. */
export async function haltTeamExecutions(teamId: string, by?: Omit<AbortedBy, "via">): Promise<number> {
  const pending = await db.experimentExecution.findMany({ where: { teamId, state: { in: [...PENDING_EXECUTION_STATES] } }, select: { id: true } });
  const who = { name: by?.name ?? "the team", userId: by?.userId ?? null, tokenId: by?.tokenId ?? null, via: "halt" as const };
  for (const { id } of pending) await requestExecutionStop(teamId, id, who);
  return pending.length;
}

const phaseOutcome = (samples: CheckSamplePoint[], phase: "before" | "after"): CheckOutcome | null => samples.filter((s) => s.phase === phase).at(-1)?.outcome ?? null;

/** One execution of the team with its stages, faults (their runs), checks and every sample; null when it is not the team's. */
export async function getExecutionDetail(teamId: string, executionId: string): Promise<ExecutionDetail | null> {
  const row = await db.experimentExecution.findFirst({
    where: { id: executionId, teamId },
    include: {
      experiment: { select: { id: true, name: true } },
      cluster: { select: { id: true, name: true, kind: true } },
      createdBy: { select: { name: true } },
      runs: { select: { id: true, stageIndex: true, faultIndex: true, state: true, error: true, startedAt: true, finishedAt: true, queuedAt: true }, orderBy: { queuedAt: "asc" } },
      samples: { orderBy: [{ checkIndex: "asc" }, { at: "asc" }] },
    },
  });
  if (!row) return null;
  const definition = definitionOf(row);
  const tripped = row.trippedBy as { checkIndex: number; name: string; at: string } | null;
  const abortedBy = row.abortedBy as { name: string } | null;
  const samplesOf = new Map<number, CheckSamplePoint[]>();
  for (const s of row.samples) {
    const list = samplesOf.get(s.checkIndex) ?? [];
    list.push({ at: s.at, phase: s.phase as CheckSamplePoint["phase"], outcome: s.outcome as CheckOutcome, value: s.value, observed: s.observed, durationMs: s.durationMs });
    samplesOf.set(s.checkIndex, list);
  }
  return {
    id: row.id,
    teamId: row.teamId,
    experiment: row.experiment,
    version: row.version,
    definition,
    cluster: row.cluster,
    state: row.state,
    reason: row.reason,
    score: row.score,
    trippedBy: tripped ? { checkIndex: tripped.checkIndex, name: tripped.name, at: new Date(tripped.at) } : null,
    abortedBy: abortedBy ? { name: abortedBy.name } : null,
    stageIndex: row.stageIndex,
    createdBy: row.createdBy,
    queuedAt: row.queuedAt,
    startedAt: row.startedAt,
    faultsEndedAt: row.faultsEndedAt,
    finishedAt: row.finishedAt,
    stages: definition.stages.map((stage, s) => {
      const faults = stage.faults.map((fault, f) => {
        const run = row.runs.filter((r) => r.stageIndex === s && r.faultIndex === f).at(-1) ?? null;
        const title = getAction(fault.actionId)?.title ?? fault.actionId;
        return {
          index: f,
          name: fault.name ?? title,
          actionId: fault.actionId,
          actionTitle: title,
          runId: run?.id ?? null,
          state: run?.state ?? null,
          summary: run?.error ?? null,
          startedAt: run?.startedAt ?? run?.queuedAt ?? null,
          finishedAt: run?.finishedAt ?? null,
        };
      });
      const started = faults.map((f) => f.startedAt).filter((d): d is Date => d !== null);
      const ended = faults.map((f) => f.finishedAt);
      return {
        index: s,
        name: stage.name,
        startedAt: started.length ? new Date(Math.min(...started.map((d) => d.getTime()))) : null,
        endedAt: ended.length && ended.every((d) => d !== null) ? new Date(Math.max(...ended.map((d) => d!.getTime()))) : null,
        faults,
      };
    }),
    checks: definition.checks.map((check, index) => {
      const samples = samplesOf.get(index) ?? [];
      const during = samples.filter((s) => s.phase === "during");
      const failures = during.filter((s) => s.outcome !== "pass").length;
      const isTripped = (tripped?.checkIndex === index) || (during.length > 0 && hasTripped(check.tolerance, during.length, failures));
      return {
        index,
        name: check.name,
        type: check.type,
        mode: check.mode,
        intervalSeconds: check.intervalSeconds,
        tolerance: check.tolerance,
        stopOnTrip: check.stopOnTrip,
        threshold: checkThreshold(check),
        samples,
        outcome: { before: phaseOutcome(samples, "before"), during: during.length === 0 ? null : isTripped ? "fail" : "pass", after: phaseOutcome(samples, "after") },
        tripped: isTripped,
      };
    }),
  };
}

/** The team's executions, newest first: of one experiment when asked, `before` a queue time for the next page. */
export async function listExecutions(ctx: TeamContext, opts: { experimentId?: string; limit?: number; before?: Date } = {}): Promise<ExecutionSummary[]> {
  const rows = await db.experimentExecution.findMany({
    where: { ...scoped(ctx), ...(opts.experimentId ? { experimentId: opts.experimentId } : {}), ...(opts.before ? { queuedAt: { lt: opts.before } } : {}) },
    orderBy: { queuedAt: "desc" },
    take: Math.min(Math.max(opts.limit ?? 50, 1), 200),
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
  return rows;
}
