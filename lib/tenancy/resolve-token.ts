import { db } from "@/lib/db";
import { hashToken } from "@/lib/crypto";
import { roleAllows, type Permission } from "@/lib/rbac/permissions";
import { TeamAccessError, type TeamContext } from "./context";

/** What each API token scope grants. A token never grants more than its creator's role. */
export const SCOPE_PERMISSIONS: Record<string, readonly Permission[]> = {
  read: ["team:read", "clusters:read", "runs:read"],
  run: ["team:read", "clusters:read", "runs:read", "runs:create", "runs:abort", "share:manage"],
};

/**
 * Resolves an API token (`pst_…`) for the team in the URL: looked up by its SHA-256 hash,
 * live (not revoked, not expired), for this team, with a scope that grants the permission,
 * and created by someone who is still a member whose role allows it. Records its last use.
 */
export async function resolveTeamForToken(
  token: string,
  slug: string,
  permission: Permission,
): Promise<TeamContext> {
  if (!token.startsWith("pst_") || token.length > 200)
    throw new TeamAccessError(401, "Invalid or expired API token");
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      scopes: true,
      revokedAt: true,
      expiresAt: true,
      team: { select: { id: true, slug: true, name: true, personal: true, isTrial: true } },
      createdBy: {
        select: {
          id: true,
          email: true,
          name: true,
          memberships: { where: { team: { slug } }, select: { role: true } },
        },
      },
    },
  });
  const live = row && !row.revokedAt && (!row.expiresAt || row.expiresAt > new Date());
  if (!row || !live) throw new TeamAccessError(401, "Invalid or expired API token");
  // A valid token for another team answers like an unknown team.
  if (row.team.slug !== slug) throw new TeamAccessError(404, "Team not found");
  const role = row.createdBy?.memberships[0]?.role;
  if (!role) throw new TeamAccessError(401, "Invalid or expired API token");
  const granted = row.scopes.some((s) => SCOPE_PERMISSIONS[s]?.includes(permission));
  if (!granted || !roleAllows(role, permission)) {
    throw new TeamAccessError(403, `This token does not allow ${permission}.`, permission);
  }
  await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  const { memberships: _m, ...user } = row.createdBy!;
  return { team: row.team, role, user, tokenId: row.id };
}

/**
 * The team an API token belongs to, for a caller that has the token but not the team's slug
 * (`pystol login` without `--team`): the same checks as resolveTeamForToken for team:read.
 */
export async function resolveTokenTeam(token: string): Promise<TeamContext> {
  if (!token.startsWith("pst_") || token.length > 200)
    throw new TeamAccessError(401, "Invalid or expired API token");
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { team: { select: { slug: true } } } });
  if (!row) throw new TeamAccessError(401, "Invalid or expired API token");
  return resolveTeamForToken(token, row.team.slug, "team:read");
}
