import { db, type Role, type Team } from "@/lib/db";
import { roleAllows, type Permission } from "@/lib/rbac/permissions";
import { slugSchema } from "@/lib/teams/schemas";
import { TeamAccessError, type TeamContext } from "./context";

// trialExpiresAt comes along so that the trial banner above every team page needs no read of its own.
const teamSelect = { id: true, slug: true, name: true, personal: true, isTrial: true, trialExpiresAt: true } as const;

type Membership = Awaited<ReturnType<typeof findMembership>>;

/**
 * Resolves a team by slug for a signed-in user and checks a permission. An unknown team and
 * a team the user is not in answer the same 404, so outsiders learn nothing.
 */
export async function resolveTeamForUser(
  user: { id: string; email: string; name: string },
  slug: string,
  permission: Permission,
  find: (userId: string, slug: string) => Promise<Membership> = findMembership,
): Promise<TeamContext> {
  if (!slugSchema.safeParse(slug).success) throw new TeamAccessError(404, "Team not found");
  const membership = await find(user.id, slug);
  if (!membership) throw new TeamAccessError(404, "Team not found");
  if (!roleAllows(membership.role, permission)) {
    throw new TeamAccessError(403, "Your role in this team does not allow this.", permission);
  }
  return { team: membership.team, role: membership.role, user, tokenId: null };
}

/** A user's membership of the team with this slug (role and team), or null. */
export function findMembership(userId: string, slug: string) {
  return db.membership.findFirst({
    where: { userId, team: { slug } },
    select: { role: true, team: { select: teamSelect } },
  });
}

/**
 * Teams of a user with the role in each, oldest membership first: for the team switcher, and
 * the gate of team pages finds the membership among them. One statement with a join (Prisma
 * reads a relation with a second query), since every team page starts with it.
 */
export async function listUserTeams(userId: string): Promise<NonNullable<Membership>[]> {
  const rows = await db.$queryRaw<(Pick<Team, "id" | "slug" | "name" | "personal" | "isTrial" | "trialExpiresAt"> & { role: Role })[]>`
    SELECT m."role"::text AS "role", t."id", t."slug", t."name", t."personal", t."isTrial", t."trialExpiresAt"
    FROM "Membership" m JOIN "Team" t ON t."id" = m."teamId"
    WHERE m."userId" = ${userId}
    ORDER BY m."createdAt"`;
  return rows.map(({ role, ...team }) => ({ role, team }));
}
