import type { CheckContext } from "@/lib/checks";
import { evaluateCheck } from "@/lib/checks";
import { db, type ExecutionState } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { abortRun } from "@/lib/runs";
import { checkContextFor } from "./check-context";
import type { ExperimentCheck, ExperimentDefinition } from "./definition";
import { noticeExecutionControl, publishExecutionEvents, type ExecutionRef } from "./execution-events";
import { describeTrip, hasTripped } from "./judge";
import { checkLateness } from "./metrics";
import { scheduleCheck, type CheckMessage } from "./queues";
import { storeDuringSample } from "./samples";
import { definitionOf } from "./store";

const log = createLogger("experiments");

/** The states in which during-checks are evaluated: from the first fault's injection until the last fault ended. */
export const DURING_STATES: readonly ExecutionState[] = ["INJECTING", "OBSERVING"];

/** The run states in which a fault may still be active. */
export const ACTIVE_RUN_STATES = ["QUEUED", "RUNNING", "ROLLING_BACK"] as const;

interface ExecutionInfo {
  teamId: string;
  definition: ExperimentDefinition;
  ctx: CheckContext;
}

// An execution's definition and check context, kept a while by every worker that evaluates its
// checks: a due evaluation then costs one read of the state, the evaluation and one write.
const INFO_MS = 30_000;
const infos = new Map<string, { info: Promise<ExecutionInfo | null>; until: number }>();

function infoOf(executionId: string): Promise<ExecutionInfo | null> {
  const now = Date.now();
  const hit = infos.get(executionId);
  if (hit && hit.until > now) return hit.info;
  if (infos.size > 2_000) for (const [k, v] of infos) if (v.until <= now) infos.delete(k);
  const info = (async () => {
    const row = await db.experimentExecution.findUnique({
      where: { id: executionId },
      select: { teamId: true, definition: true, cluster: { select: { id: true, kind: true, sandboxClusterId: true, sandboxShard: true, updatedAt: true, kubeconfigCiphertext: true } } },
    });
    if (!row) return null;
    return { teamId: row.teamId, definition: definitionOf(row), ctx: await checkContextFor(row.teamId, row.cluster) };
  })();
  infos.set(executionId, { info, until: now + INFO_MS });
  info.catch(() => infos.delete(executionId));
  return info;
}

/** The first due evaluation of each during-check, an interval after `from` (the first injection). */
export async function scheduleDuringChecks(executionId: string, definition: ExperimentDefinition, from: number): Promise<void> {
  await Promise.all(
    definition.checks.map((c, checkIndex) => (c.mode === "during" ? scheduleCheck({ executionId, checkIndex, due: from + c.intervalSeconds * 1000 }) : undefined)),
  );
}

/**
 * Stops an execution because a stop condition tripped: marks it STOPPING with trippedBy (once:
 * a conditional update, so two evaluations tripping at once stop it once), then asks every
 * active fault run of it to abort through lib/runs (the halt path: each run's worker is told at
 * once and rolls back), and tells the execution's driver. Returns false when it was already
 * stopping or finished.
 */
export async function tripExecution(ref: ExecutionRef, checkIndex: number, check: ExperimentCheck, reason: string): Promise<boolean> {
  const at = new Date();
  const trippedBy = JSON.stringify({ checkIndex, name: check.name, at: at.toISOString(), reason });
  // The trip and the runs to abort in one statement: every round trip here delays the rollback.
  const rows = await db.$queryRaw<{ runId: string | null }[]>`
    WITH e AS (
      UPDATE "ExperimentExecution" SET "state" = 'STOPPING', "trippedBy" = ${trippedBy}::jsonb
      WHERE "id" = ${ref.executionId} AND "trippedBy" IS NULL AND "state" IN ('INJECTING', 'OBSERVING')
      RETURNING "id"
    )
    SELECT r."id" AS "runId" FROM e LEFT JOIN "Run" r ON r."executionId" = e."id" AND r."teamId" = ${ref.teamId}
      AND r."state" IN ('QUEUED', 'RUNNING', 'ROLLING_BACK')`;
  if (rows.length === 0) return false;
  const runs = rows.flatMap((r) => (r.runId ? [{ id: r.runId }] : []));
  publishExecutionEvents(ref, [
    { type: "trip", checkIndex, name: check.name, stops: true, reason, at: at.toISOString() },
    { type: "state", state: "STOPPING", reason: null, at: at.toISOString() },
  ]);
  noticeExecutionControl(ref.executionId);
  const by = { name: `the stop condition "${check.name}"`, userId: null, tokenId: null, via: "run" as const };
  await Promise.all(runs.map((r) => abortRun(ref.teamId, r.id, by)));
  log.warn({ executionId: ref.executionId, check: check.name, runs: runs.length }, "stop condition tripped");
  return true;
}

/**
 * One due evaluation of a during-check (a job of the checks queue, run by any worker). Does
 * nothing once the execution is past its faults. Schedules the next evaluation first, from
 * this one's due time (not from now), so lateness does not add up; evaluations already missed
 * are skipped rather than run in a burst. Stores the sample, and when this evaluation makes
 * the check trip: publishes the trip and, for a stop condition, stops the execution.
 */
export async function evaluateDueCheck(m: CheckMessage): Promise<"skipped" | "evaluated" | "tripped"> {
  const rows = await db.$queryRaw<{ state: ExecutionState }[]>`SELECT "state" FROM "ExperimentExecution" WHERE "id" = ${m.executionId}`;
  const state = rows[0]?.state;
  if (!state || !DURING_STATES.includes(state)) {
    infos.delete(m.executionId);
    return "skipped";
  }
  const info = await infoOf(m.executionId);
  const check = info?.definition.checks[m.checkIndex];
  if (!info || !check || check.mode !== "during") return "skipped";
  const interval = check.intervalSeconds * 1000;
  let next = m.due + interval;
  while (next <= Date.now()) next += interval;
  await scheduleCheck({ executionId: m.executionId, checkIndex: m.checkIndex, due: next });

  const ref = { executionId: m.executionId, teamId: info.teamId };
  // Lateness is counted to the evaluation's own start: what a chart's point is late by.
  checkLateness.observe(Math.max(0, Date.now() - m.due) / 1000);
  const result = await evaluateCheck(info.ctx, check);
  const stored = await storeDuringSample(ref, check, m.checkIndex, result);
  if (!stored) return "skipped";
  const { evaluations, failures } = stored;
  const failed = result.outcome === "pass" ? 0 : 1;
  const tripsNow = hasTripped(check.tolerance, evaluations, failures) && !hasTripped(check.tolerance, evaluations - 1, failures - failed);
  if (!tripsNow) return "evaluated";
  const reason = describeTrip(check.tolerance, evaluations, failures, result.observed);
  if (check.stopOnTrip) {
    await tripExecution(ref, m.checkIndex, check, reason);
  } else {
    publishExecutionEvents(ref, [{ type: "trip", checkIndex: m.checkIndex, name: check.name, stops: false, reason, at: new Date().toISOString() }]);
  }
  return "tripped";
}
