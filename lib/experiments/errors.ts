/** A refusal about an experiment, with a message for the person who asked. */
export class ExperimentError extends Error {
  constructor(
    readonly code: "not-found" | "name-taken" | "invalid-definition" | "version-conflict" | "cluster-not-found" | "busy",
    message: string,
    /** For invalid-definition: one sentence per problem with its path (and, from a file, its line and column). */
    readonly errors: { path: string; message: string; line?: number; column?: number }[] = [],
  ) {
    super(message);
  }
}
