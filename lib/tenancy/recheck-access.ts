import { db } from "@/lib/db";
import { roleAllows, type Permission } from "@/lib/rbac/permissions";
import type { TeamContext } from "./context";
import { SCOPE_PERMISSIONS } from "./resolve-token";

/**
 * Whether the principal of a context still has the permission in its team: for a long-lived
 * response (a run's event stream) opened while it had. A session's user must still be a
 * member with a role that allows it; a token must be unrevoked, unexpired, and its creator
 * still such a member.
 */
export async function stillAllowed(ctx: TeamContext, permission: Permission): Promise<boolean> {
  if (ctx.tokenId) {
    const token = await db.apiToken.findFirst({
      where: { id: ctx.tokenId, teamId: ctx.team.id },
      select: { scopes: true, revokedAt: true, expiresAt: true, createdBy: { select: { memberships: { where: { teamId: ctx.team.id }, select: { role: true } } } } },
    });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= new Date())) return false;
    const role = token.createdBy?.memberships[0]?.role;
    return !!role && roleAllows(role, permission) && token.scopes.some((s) => SCOPE_PERMISSIONS[s]?.includes(permission));
  }
  if (!ctx.user) return false;
  const membership = await db.membership.findFirst({ where: { userId: ctx.user.id, teamId: ctx.team.id }, select: { role: true } });
  return !!membership && roleAllows(membership.role, permission);
}
