import type { ExecutionState } from "@/lib/db";

/** States an execution leaves on its own (a worker holds or will take it). */
export const PENDING_EXECUTION_STATES = ["QUEUED", "CHECKING", "INJECTING", "OBSERVING", "RECOVERING", "STOPPING"] as const satisfies readonly ExecutionState[];

/** The verdicts: states an execution never leaves. */
export const VERDICT_STATES = ["PASSED", "FAILED", "STOPPED", "ABORTED", "ERROR", "NOT_STARTED"] as const satisfies readonly ExecutionState[];

export type Verdict = (typeof VERDICT_STATES)[number];

export const isVerdict = (state: ExecutionState): state is Verdict => (VERDICT_STATES as readonly ExecutionState[]).includes(state);

/** The verdict as people and the CLI read it: passed, failed, stopped, aborted, error, not-started. */
export const verdictLabel = (state: Verdict): string => state.toLowerCase().replace("_", "-");

/**
 * The CLI's exit code for a verdict, so a pipeline can gate a deploy on it: 0 passed; 1 failed
 * (a check failed or a stop condition tripped); 3 stopped, aborted or not started; 4 error.
 * (2 stays the CLI's usage error.)
 */
export function verdictExitCode(state: Verdict): number {
  switch (state) {
    case "PASSED":
      return 0;
    case "FAILED":
      return 1;
    case "ERROR":
      return 4;
    default:
      return 3;
  }
}
