import { db, type ExecutionState, type Experiment, type ExperimentExecution, type Prisma } from "@/lib/db";
import {
  abortExecution,
  definitionOf,
  getExecutionDetail,
  getExperiment,
  isVerdict,
  planExperiment,
  startExecution,
  verdictLabel,
  type ExecutionDetail,
  type ExecutionSummary,
  type ExperimentDefinition,
  type ExperimentPlan,
  type ExperimentSummary,
} from "@/lib/experiments";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { ApiError } from "./respond";

// Experiments and executions as the API shows them: dates as ISO strings, the state with
// whether it is a verdict, nothing of the worker's bookkeeping.

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An experiment of the team by id or by name; 404 otherwise (another team's included). */
export async function findExperiment(ctx: TeamContext, idOrName: string): Promise<Experiment> {
  const experiment = idOrName ? await getExperiment(ctx, idOrName) : null;
  if (!experiment) throw new ApiError(404, "not_found", `No experiment "${idOrName}" in this team.`);
  return experiment;
}

export function experimentSummaryJson(e: ExperimentSummary) {
  return {
    ...e,
    updatedAt: e.updatedAt.toISOString(),
    lastExecution: e.lastExecution && { ...e.lastExecution, queuedAt: e.lastExecution.queuedAt.toISOString(), finishedAt: iso(e.lastExecution.finishedAt) },
  };
}

export function experimentJson(e: Experiment, cluster: { id: string; name: string }) {
  return {
    id: e.id,
    name: e.name,
    version: e.version,
    cluster: { id: cluster.id, name: cluster.name },
    definition: definitionOf(e),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function experimentVersionJson(v: { version: number; clusterId: string; createdAt: Date; createdBy: { name: string } | null; definition: unknown }) {
  return {
    version: v.version,
    clusterId: v.clusterId,
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
    definition: definitionOf(v),
  };
}

function verdictOf(state: ExperimentExecution["state"]) {
  return { finished: isVerdict(state), verdict: isVerdict(state) ? verdictLabel(state) : null };
}

export function executionSummaryJson(e: ExecutionSummary) {
  return {
    id: e.id,
    experiment: e.experiment,
    version: e.version,
    state: e.state,
    ...verdictOf(e.state),
    reason: e.reason,
    score: e.score,
    queuedAt: e.queuedAt.toISOString(),
    startedAt: iso(e.startedAt),
    finishedAt: iso(e.finishedAt),
    createdBy: e.createdBy,
  };
}

export function executionJson(e: ExecutionDetail) {
  return {
    ...executionSummaryJson(e),
    definition: e.definition,
    cluster: e.cluster,
    trippedBy: e.trippedBy && { ...e.trippedBy, at: e.trippedBy.at.toISOString() },
    abortedBy: e.abortedBy,
    stageIndex: e.stageIndex,
    faultsEndedAt: iso(e.faultsEndedAt),
    stages: e.stages.map((s) => ({
      ...s,
      startedAt: iso(s.startedAt),
      endedAt: iso(s.endedAt),
      faults: s.faults.map((f) => ({ ...f, startedAt: iso(f.startedAt), finishedAt: iso(f.finishedAt) })),
    })),
    checks: e.checks.map((c) => ({ ...c, samples: c.samples.map((p) => ({ ...p, at: p.at.toISOString() })) })),
  };
}

/** An execution of the team with everything its page shows; 404 otherwise. */
export async function findExecution(ctx: TeamContext, executionId: string): Promise<ExecutionDetail> {
  const detail = executionId ? await getExecutionDetail(ctx.team.id, executionId) : null;
  if (!detail) throw new ApiError(404, "not_found", "No such execution in this team.");
  return detail;
}

/** The dry run of a saved experiment, or of a definition on a cluster of the team (already found by the caller). */
export function planApiExperiment(ctx: TeamContext, input: { experimentId: string } | { clusterId: string; definition: ExperimentDefinition }): Promise<ExperimentPlan> {
  return planExperiment(ctx, input);
}

/** Starts an execution of the experiment's current version and answers it as it is now (queued). */
export async function startApiExecution(ctx: TeamContext, experiment: Experiment, body: { confirm?: string; planSeed?: string }): Promise<ExecutionDetail> {
  const execution = await startExecution(ctx, experiment.id, {
    confirm: body.confirm,
    planSeed: body.planSeed,
    createdById: ctx.user?.id,
    apiTokenId: ctx.tokenId ?? undefined,
  });
  return findExecution(ctx, execution.id);
}

/** Asks an execution of the team to stop; answers it as it is after the request. */
export async function abortApiExecution(ctx: TeamContext, executionId: string): Promise<ExecutionDetail> {
  const before = await findExecution(ctx, executionId);
  if (isVerdict(before.state)) throw new ApiError(409, "finished", `This execution already ended (${verdictLabel(before.state)}); there is nothing to abort.`);
  await abortExecution(ctx, before.id);
  return findExecution(ctx, before.id);
}

/** The team's executions (or one experiment's), newest first, filtered and paged by a cursor. */
export async function listApiExecutions(
  ctx: TeamContext,
  q: { state?: ExecutionState[]; limit: number; before?: string; experimentId?: string },
): Promise<{ executions: ExecutionSummary[]; next: string | null }> {
  const where: Prisma.ExperimentExecutionWhereInput = { ...scoped(ctx) };
  if (q.experimentId) where.experimentId = q.experimentId;
  if (q.state?.length) where.state = { in: q.state };
  // A cursor must be one of the team's own executions.
  if (q.before && !(await db.experimentExecution.findFirst({ where: { ...scoped(ctx), id: q.before }, select: { id: true } }))) {
    throw new ApiError(400, "invalid_request", "The query was not accepted. before: no execution with this id in this team.");
  }
  const rows = await db.experimentExecution.findMany({
    where,
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.before ? { cursor: { id: q.before }, skip: 1 } : {}),
    include: { experiment: { select: { id: true, name: true } }, createdBy: { select: { name: true } } },
  });
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  return {
    executions: page.map((r) => ({
      id: r.id,
      experiment: r.experiment,
      version: r.version,
      state: r.state,
      reason: r.reason,
      score: r.score,
      queuedAt: r.queuedAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      createdBy: r.createdBy,
    })),
    next: more ? page[page.length - 1]!.id : null,
  };
}
