import type { Role, Team } from "@/lib/db";
import type { Permission } from "@/lib/rbac/permissions";

/** Who is acting, in which team, with which role. Every team query is built from one. */
export interface TeamContext {
  /** trialExpiresAt is there when the context came from a session (resolveTeamForUser). */
  team: Pick<Team, "id" | "slug" | "name" | "personal" | "isTrial"> & { trialExpiresAt?: Date | null };
  role: Role;
  user: { id: string; email: string; name: string } | null;
  /** Set when the principal is an API token rather than a session. */
  tokenId: string | null;
}

/** The `where` fragment that confines a query to the context's team. */
export function scoped(ctx: TeamContext): { teamId: string } {
  return { teamId: ctx.team.id };
}

export class TeamAccessError extends Error {
  constructor(
    readonly status: 401 | 403 | 404,
    message: string,
    readonly permission?: Permission,
  ) {
    super(message);
  }
}
