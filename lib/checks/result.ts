export type CheckOutcome = "pass" | "fail" | "error";

/** One evaluation of one check. `observed` is a sentence a person reads; `value` what a chart plots. */
export interface CheckResult {
  outcome: CheckOutcome;
  value?: number;
  observed: string;
  durationMs: number;
  at: Date;
}

/** What the parts of an evaluation return before timing is added. */
export type Verdict = Omit<CheckResult, "durationMs" | "at">;

/** Thrown inside an evaluation for an outcome of "error"; the message is the observed sentence. */
export class CheckError extends Error {}
