/** Why a run was refused before anything changed; pages show the message, APIs the code. */
export type RefusalCode =
  | "unknown-action"
  | "invalid-params"
  | "empty-selection"
  | "not-found"
  | "protected-namespace"
  | "blast-radius"
  | "confirmation-required"
  | "missing-permissions"
  | "pod-security"
  | "concurrency-limit"
  | "cluster-unreachable"
  | "trial-limit"
  | "plan-changed";

/** A run that must not start; nothing was changed in the cluster or recorded as a run. */
export class RunRefusedError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "RunRefusedError";
  }
}

/** Thrown inside a run when it was asked to stop; the state machine rolls back. */
export class RunAbortedError extends Error {
  constructor(message = "run aborted") {
    super(message);
    this.name = "RunAbortedError";
  }
}

/** The action ran and failed; its partial result (a log, an exit code) is kept on the run. */
export class ActionFailedError extends Error {
  constructor(
    message: string,
    readonly result?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ActionFailedError";
  }
}
