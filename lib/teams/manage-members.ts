import { db, type Role } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { ROLE_LABELS } from "@/lib/rbac/permissions";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { TeamRuleError } from "./errors";
import { actor, assertMayAssign, countOwners, findMember, isLowerRole, lockTeam } from "./membership-rules";
import { revokeGrantsOf } from "./revoke-grants";

const LAST_OWNER =
  "A team needs at least one owner. Make another member an owner (or transfer ownership) first.";

function audit(ctx: TeamContext, action: string, targetId: string, data: Record<string, string>) {
  return {
    action,
    teamId: ctx.team.id,
    actorUserId: ctx.user?.id,
    targetType: "membership",
    targetId,
    data,
  };
}

/** Changes another member's role (owners and admins; see assertMayAssign). Returns a message. */
export async function changeMemberRole(ctx: TeamContext, membershipId: string, role: Role): Promise<string> {
  const me = actor(ctx);
  return db.$transaction(async (tx) => {
    await lockTeam(tx, ctx.team.id);
    const target = await findMember(tx, ctx, membershipId);
    if (target.userId === me.id)
      throw new TeamRuleError(
        "You cannot change your own role. Ask another owner or admin, or transfer ownership.",
      );
    assertMayAssign(ctx.role, target.role, role);
    if (target.role === role) return `${target.user.name} is already ${ROLE_LABELS[role].toLowerCase()}.`;
    if (target.role === "OWNER" && (await countOwners(tx, ctx.team.id)) <= 1)
      throw new TeamRuleError(LAST_OWNER);
    await tx.membership.update({ where: { id: target.id }, data: { role } });
    await recordAudit(
      audit(ctx, "member.role_changed", target.id, { user: target.user.email, from: target.role, to: role }),
      tx,
    );
    if (isLowerRole(role, target.role)) {
      await revokeGrantsOf(tx, ctx, { membershipId: target.id, userId: target.userId, email: target.user.email }, "role_lowered");
    }
    return `${target.user.name} is now ${ROLE_LABELS[role].toLowerCase()}.`;
  });
}

/** Removes another member from the team. */
export async function removeMember(ctx: TeamContext, membershipId: string): Promise<string> {
  const me = actor(ctx);
  return db.$transaction(async (tx) => {
    await lockTeam(tx, ctx.team.id);
    const target = await findMember(tx, ctx, membershipId);
    if (target.userId === me.id) throw new TeamRuleError("To remove yourself, use “Leave team”.");
    assertMayAssign(ctx.role, target.role);
    if (target.role === "OWNER" && (await countOwners(tx, ctx.team.id)) <= 1)
      throw new TeamRuleError(LAST_OWNER);
    await tx.membership.delete({ where: { id: target.id } });
    await recordAudit(
      audit(ctx, "member.removed", target.id, { user: target.user.email, role: target.role }),
      tx,
    );
    await revokeGrantsOf(tx, ctx, { membershipId: target.id, userId: target.userId, email: target.user.email }, "removed");
    return `${target.user.name} was removed from the team.`;
  });
}

/** The signed-in member leaves the team; the last owner cannot. */
export async function leaveTeam(ctx: TeamContext): Promise<void> {
  const me = actor(ctx);
  await db.$transaction(async (tx) => {
    await lockTeam(tx, ctx.team.id);
    const mine = await tx.membership.findFirst({ where: { ...scoped(ctx), userId: me.id } });
    if (!mine) throw new TeamRuleError("You are not a member of this team.", "not_found");
    if (mine.role === "OWNER" && (await countOwners(tx, ctx.team.id)) <= 1)
      throw new TeamRuleError(
        "You are the team's only owner. Transfer ownership to another member before leaving.",
      );
    await tx.membership.delete({ where: { id: mine.id } });
    await recordAudit(audit(ctx, "member.left", mine.id, { user: ctx.user!.email, role: mine.role }), tx);
    await revokeGrantsOf(tx, ctx, { membershipId: mine.id, userId: me.id, email: ctx.user!.email }, "left");
  });
}

/**
 * An owner hands ownership to another member: they become owner, the giver becomes admin.
 */
export async function transferOwnership(ctx: TeamContext, membershipId: string): Promise<string> {
  const me = actor(ctx);
  return db.$transaction(async (tx) => {
    await lockTeam(tx, ctx.team.id);
    const target = await findMember(tx, ctx, membershipId);
    const mine = await tx.membership.findFirst({ where: { ...scoped(ctx), userId: me.id } });
    if (mine?.role !== "OWNER") throw new TeamRuleError("Only an owner can transfer ownership.");
    if (target.userId === me.id) throw new TeamRuleError("Choose another member to transfer ownership to.");
    await tx.membership.update({ where: { id: target.id }, data: { role: "OWNER" } });
    await tx.membership.update({ where: { id: mine.id }, data: { role: "ADMIN" } });
    await recordAudit(
      audit(ctx, "team.ownership_transferred", target.id, {
        to: target.user.email,
        toPreviousRole: target.role,
        from: ctx.user!.email,
      }),
      tx,
    );
    return `${target.user.name} now owns the team; you are an admin.`;
  });
}

/** The team's members for the members page, oldest first. */
export function listMembers(ctx: TeamContext) {
  return db.membership.findMany({
    where: scoped(ctx),
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      role: true,
      userId: true,
      createdAt: true,
      user: { select: { name: true, email: true } },
    },
  });
}
