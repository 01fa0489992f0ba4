import type { CheckOutcome } from "@/lib/checks";
import type { ExecutionState } from "@/lib/db";

type Tone = "slate" | "green" | "red" | "amber" | "blue";

// How an execution's state reads and looks everywhere in the app: a verdict once it ended.
export const EXECUTION_LABELS: Record<ExecutionState, string> = {
  QUEUED: "queued",
  CHECKING: "checking the steady state",
  INJECTING: "injecting faults",
  OBSERVING: "observing",
  RECOVERING: "recovering",
  STOPPING: "stopping, rolling back",
  PASSED: "passed",
  FAILED: "failed",
  STOPPED: "stopped",
  ABORTED: "aborted",
  ERROR: "error",
  NOT_STARTED: "not started",
};

export const EXECUTION_TONES: Record<ExecutionState, Tone> = {
  QUEUED: "slate",
  CHECKING: "blue",
  INJECTING: "blue",
  OBSERVING: "blue",
  RECOVERING: "blue",
  STOPPING: "amber",
  PASSED: "green",
  FAILED: "red",
  STOPPED: "amber",
  ABORTED: "amber",
  ERROR: "red",
  NOT_STARTED: "amber",
};

export const OUTCOME_TONES: Record<CheckOutcome, Tone> = { pass: "green", fail: "red", error: "amber" };

/** "failed — stopped by checkout latency" when a stop condition tripped; else the verdict or state. */
export function verdictText(state: ExecutionState, trippedBy: { name: string } | null): string {
  if (state === "FAILED" && trippedBy) return `failed — stopped by ${trippedBy.name}`;
  return EXECUTION_LABELS[state];
}
