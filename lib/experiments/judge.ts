import type { CheckOutcome } from "@/lib/checks";
import type { ExperimentCheck, Tolerance } from "./definition";
import type { CheckThreshold } from "./types";

// How an execution's checks are judged: the line a chart draws, when a during-check trips, and
// the score. Pure functions, so the worker, the pages and the tests judge alike.

/**
 * The value a check's pass or fail is judged against, as a chart draws it (the healthy side is
 * `op`), or null when the check has no numeric line (status codes, body text, a string field).
 */
export function checkThreshold(check: ExperimentCheck): CheckThreshold | null {
  if (check.type === "http") {
    return check.expect.maxLatencyMs !== undefined ? { value: check.expect.maxLatencyMs, op: "<=", unit: "ms" } : null;
  }
  if (check.type === "prometheus") return { value: check.threshold, op: check.op, unit: "" };
  const c = check.check;
  switch (c.condition) {
    case "workload-available":
      return { value: c.minAvailable, op: ">=", unit: "replicas" };
    case "pods-ready":
      return { value: c.minReadyPercent, op: ">=", unit: "%" };
    case "no-crash-loop":
      return { value: 0, op: "<=", unit: "containers" };
    case "nodes-ready":
      return { value: c.minReady, op: ">=", unit: "nodes" };
    case "object-field":
      return typeof c.value === "number" && c.op !== "contains" ? { value: c.value, op: c.op, unit: "" } : null;
  }
}

/** The evaluations a percent tolerance waits for before it may trip, so one early failure is not 100 %. */
export const PERCENT_TOLERANCE_MIN_EVALUATIONS = 3;

/** Whether a during-check with these counts has tripped: an evaluation in error counts as a failure. */
export function hasTripped(tolerance: Tolerance, evaluations: number, failures: number): boolean {
  if ("failures" in tolerance) return failures > tolerance.failures;
  return evaluations >= PERCENT_TOLERANCE_MIN_EVALUATIONS && (failures / evaluations) * 100 > tolerance.percent;
}

/** A sentence for a trip: "2 of 3 evaluations failed (tolerance: 1 failure)". */
export function describeTrip(tolerance: Tolerance, evaluations: number, failures: number, observed: string): string {
  const allowed = "failures" in tolerance ? `at most ${tolerance.failures} failed` : `at most ${tolerance.percent} % failed`;
  return `${failures} of ${evaluations} evaluations failed, ${allowed} allowed; last: ${observed}`;
}

/** The outcomes one check gathered in an execution, per phase. */
export interface CheckOutcomes {
  before: CheckOutcome | null;
  /** Every during evaluation, oldest first. */
  during: CheckOutcome[];
  after: CheckOutcome | null;
}

/** The most a score can be when a stop condition tripped. */
export const TRIPPED_SCORE_CAP = 50;

/**
 * The resilience score, 0–100: the mean over checks of each check's share of passed
 * evaluations, where a check's share is the mean of its phases that ran (before and after count
 * as their final outcome, 1 or 0; during counts the share of its evaluations that passed). A
 * tripped stop condition caps the score at TRIPPED_SCORE_CAP. Null when no check ran.
 */
export function resilienceScore(checks: CheckOutcomes[], stopTripped: boolean): number | null {
  const shares: number[] = [];
  for (const c of checks) {
    const phases: number[] = [];
    if (c.before) phases.push(c.before === "pass" ? 1 : 0);
    if (c.during.length > 0) phases.push(c.during.filter((o) => o === "pass").length / c.during.length);
    if (c.after) phases.push(c.after === "pass" ? 1 : 0);
    if (phases.length > 0) shares.push(phases.reduce((a, b) => a + b, 0) / phases.length);
  }
  if (shares.length === 0) return null;
  const score = Math.round((100 * shares.reduce((a, b) => a + b, 0)) / shares.length);
  return stopTripped ? Math.min(score, TRIPPED_SCORE_CAP) : score;
}
