/**
 * A membership change the team's rules refuse (last owner, someone else's role, an
 * invitation that expired). The message is written for the person who tried.
 */
export class TeamRuleError extends Error {
  constructor(
    message: string,
    /** "not_found" when the target is not in this team: callers answer like an unknown id. */
    readonly code: "refused" | "not_found" = "refused",
  ) {
    super(message);
  }
}
