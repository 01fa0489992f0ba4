import { evaluateCheck, type CheckContext, type CheckResult } from "@/lib/checks";
import { db } from "@/lib/db";
import type { ExperimentCheck } from "./definition";
import { publishExecutionEvents, type ExecutionRef } from "./execution-events";
import { checkEvaluations } from "./metrics";

export type Phase = "before" | "during" | "after";

/** Evaluates a check once for an execution, stores the sample and publishes it; returns the result. */
export async function sampleCheck(ref: ExecutionRef, ctx: CheckContext, check: ExperimentCheck, checkIndex: number, phase: Exclude<Phase, "during">): Promise<CheckResult> {
  const result = await evaluateCheck(ctx, check);
  await db.checkSample.create({
    data: {
      teamId: ref.teamId,
      executionId: ref.executionId,
      checkIndex,
      phase,
      at: result.at,
      outcome: result.outcome,
      value: result.value ?? null,
      observed: result.observed,
      durationMs: Math.round(result.durationMs),
    },
  });
  published(ref, check, checkIndex, phase, result);
  return result;
}

/**
 * Stores a during-check's sample and returns how many during evaluations the check has now,
 * and how many of them failed (errors count as failures), in one statement; null when the
 * execution had left its fault phase before the evaluation ended (the sample is dropped: its
 * chart and the verdict close when the faults end, and a verdict may already be written).
 */
export async function storeDuringSample(ref: ExecutionRef, check: ExperimentCheck, checkIndex: number, result: CheckResult): Promise<{ evaluations: number; failures: number } | null> {
  const rows = await db.$queryRaw<{ stored: number; n: number; f: number }[]>`
    WITH ins AS (
      INSERT INTO "CheckSample" ("teamId", "executionId", "checkIndex", "phase", "at", "outcome", "value", "observed", "durationMs")
      SELECT ${ref.teamId}, ${ref.executionId}, ${checkIndex}, 'during', ${result.at}::timestamp(3), ${result.outcome}, ${result.value ?? null}::float8,
        ${result.observed}, ${Math.round(result.durationMs)}
      WHERE EXISTS (SELECT 1 FROM "ExperimentExecution" WHERE "id" = ${ref.executionId} AND "state" IN ('INJECTING', 'OBSERVING', 'STOPPING'))
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins)::int AS stored, count(*)::int AS n, (count(*) FILTER (WHERE "outcome" <> 'pass'))::int AS f
    FROM "CheckSample" WHERE "executionId" = ${ref.executionId} AND "checkIndex" = ${checkIndex} AND "phase" = 'during'`;
  const r = rows[0] ?? { stored: 0, n: 0, f: 0 };
  if (r.stored === 0) return null;
  published(ref, check, checkIndex, "during", result);
  // The statement's snapshot does not see its own insert.
  return { evaluations: r.n + 1, failures: r.f + (result.outcome === "pass" ? 0 : 1) };
}

function published(ref: ExecutionRef, check: ExperimentCheck, checkIndex: number, phase: Phase, result: CheckResult): void {
  checkEvaluations.inc({ type: check.type, outcome: result.outcome });
  publishExecutionEvents(ref, [
    {
      type: "sample",
      checkIndex,
      phase,
      outcome: result.outcome,
      value: result.value ?? null,
      observed: result.observed,
      durationMs: result.durationMs,
      at: result.at.toISOString(),
    },
  ]);
}
