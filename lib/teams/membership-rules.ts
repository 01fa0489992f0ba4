import type { Prisma, Role } from "@/lib/db";
import { roleAllows } from "@/lib/rbac/permissions";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { TeamRuleError } from "./errors";

type Tx = Prisma.TransactionClient;

/**
 * Locks the team's row for the rest of the transaction, so that two changes that each
 * check "another owner remains" cannot both pass and leave the team without an owner.
 */
export async function lockTeam(tx: Tx, teamId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Team" WHERE id = ${teamId} FOR UPDATE`;
}

/** How many owners the team has (call after lockTeam). */
export function countOwners(tx: Tx, teamId: string): Promise<number> {
  return tx.membership.count({ where: { teamId, role: "OWNER" } });
}

/** The acting user; membership changes are made by people, never by API tokens. */
export function actor(ctx: TeamContext): { id: string; name: string } {
  if (!ctx.user || ctx.tokenId) throw new TeamRuleError("Membership changes need a signed-in person.");
  return ctx.user;
}

/**
 * Owners may give and change every role; admins manage admins, members and viewers, but
 * cannot touch an owner or make one.
 */
export function assertMayAssign(actorRole: Role, targetRole: Role, newRole?: Role): void {
  if (actorRole === "OWNER") return;
  if (targetRole === "OWNER") throw new TeamRuleError("Only an owner can change or remove an owner.");
  if (newRole === "OWNER") throw new TeamRuleError("Only an owner can make someone an owner.");
}

const ROLE_RANK: Record<Role, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

/** Whether `role` grants less than `than` (roles are nested: each grants all of the one below). */
export function isLowerRole(role: Role, than: Role): boolean {
  return ROLE_RANK[role] < ROLE_RANK[than];
}

/**
 * Whether someone holding `inviterRole` may hand out `role` today: the rule an invitation is
 * checked against when it is used, so it carries its creator's authority at that moment.
 */
export function mayInviteAs(inviterRole: Role | null | undefined, role: Role): boolean {
  if (!inviterRole || !roleAllows(inviterRole, "members:manage")) return false;
  return inviterRole === "OWNER" || role !== "OWNER";
}

/** A membership of the context's team by id; another team's id answers like a missing one. */
export async function findMember(tx: Tx, ctx: TeamContext, membershipId: string) {
  const m = await tx.membership.findFirst({
    where: { ...scoped(ctx), id: membershipId },
    select: { id: true, role: true, userId: true, user: { select: { name: true, email: true } } },
  });
  if (!m) throw new TeamRuleError("That person is not a member of this team.", "not_found");
  return m;
}
