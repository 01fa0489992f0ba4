import { db, type ExecutionState } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { appUrl, queueDelivery } from "./deliveries";
import { FAILED_VERDICTS, type WebhookEvent } from "./events";
import type { ExecutionFacts } from "./format";

const log = createLogger("webhooks");

// Verdicts: the states an execution never leaves (lib/experiments VERDICT_STATES; repeated here
// because lib/experiments calls this module and must not be imported back).
const VERDICTS: readonly ExecutionState[] = ["PASSED", "FAILED", "STOPPED", "ABORTED", "ERROR", "NOT_STARTED"];

/** Which subscribed events an execution's verdict raises for one endpoint. */
export function eventsFor(
  e: { state: ExecutionState; scheduleId: string | null; score: number | null },
  previousScore: number | null,
  endpoint: { events: string[]; scoreDropPoints: number },
): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  const wants = (ev: WebhookEvent) => endpoint.events.includes(ev);
  if (wants("execution.failed") && e.scheduleId && (FAILED_VERDICTS as readonly string[]).includes(e.state)) out.push("execution.failed");
  if (wants("score.dropped") && e.score !== null && previousScore !== null && previousScore - e.score >= endpoint.scoreDropPoints) out.push("score.dropped");
  if (wants("execution.finished")) out.push("execution.finished");
  return out;
}

/**
 * Called once an execution has its verdict (by whichever path wrote it): queues one delivery
 * per raised event per enabled endpoint of the team. Safe to call more than once (each event of
 * an execution is delivered once per endpoint). Returns the ids of the deliveries queued.
 */
export async function notifyExecutionVerdict(executionId: string): Promise<string[]> {
  const x = await db.experimentExecution.findUnique({
    where: { id: executionId },
    select: {
      id: true,
      teamId: true,
      experimentId: true,
      state: true,
      reason: true,
      score: true,
      scheduleId: true,
      queuedAt: true,
      finishedAt: true,
      experiment: { select: { name: true } },
      team: { select: { slug: true, name: true } },
    },
  });
  if (!x || !VERDICTS.includes(x.state)) return [];
  const endpoints = await db.webhookEndpoint.findMany({ where: { teamId: x.teamId, enabled: true }, select: { id: true, teamId: true, format: true, events: true, scoreDropPoints: true } });
  if (!endpoints.length) return [];
  // The previous execution of the same experiment that has a score: what a drop is measured against.
  const previous = await db.experimentExecution.findFirst({
    where: { teamId: x.teamId, experimentId: x.experimentId, queuedAt: { lt: x.queuedAt }, score: { not: null } },
    orderBy: { queuedAt: "desc" },
    select: { score: true },
  });
  const previousScore = previous?.score ?? null;
  const facts: ExecutionFacts = {
    id: x.id,
    experiment: { id: x.experimentId, name: x.experiment.name },
    verdict: x.state,
    reason: x.reason,
    score: x.score,
    previousScore,
    scheduled: x.scheduleId !== null,
    finishedAt: x.finishedAt?.toISOString() ?? null,
    url: appUrl(`/t/${x.team.slug}/experiments/${x.experimentId}/executions/${x.id}`),
  };
  const queued: string[] = [];
  for (const ep of endpoints) {
    for (const event of eventsFor(x, previousScore, ep)) {
      const id = await queueDelivery(ep, event, `${event}:${x.id}`, { team: x.team, execution: facts }, x.id);
      if (id) queued.push(id);
    }
  }
  if (queued.length) log.info({ executionId: x.id, teamId: x.teamId, deliveries: queued.length }, "webhook deliveries queued");
  return queued;
}

/** notifyExecutionVerdict for callers that must not fail because of it: a failure is logged. */
export async function notifyExecutionVerdictSafely(executionId: string): Promise<void> {
  try {
    await notifyExecutionVerdict(executionId);
  } catch (err) {
    log.warn({ executionId, err: err instanceof Error ? err.message : String(err) }, "webhook deliveries not queued");
  }
}
