/** A refusal about a team's cluster, with a message for the person who asked. */
export class ClusterError extends Error {
  constructor(
    readonly code: "sandbox-unavailable" | "name-taken" | "not-found" | "wrong-kind" | "busy" | "trial-limit" | "rate-limited",
    message: string,
  ) {
    super(message);
  }
}
