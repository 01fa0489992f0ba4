import type { Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import type { TeamContext } from "@/lib/tenancy";

type Tx = Prisma.TransactionClient;

/**
 * Withdraws what a person handed out in a team while they had a role: the invitations they
 * created that are still open and their live API tokens. Called in the transaction that
 * removes them or lowers their role, so nothing they made outlives the authority it came
 * from (an ADMIN invite of a removed admin would otherwise let them back in; their token
 * would answer again the moment they rejoined). Audited as one event naming what it revoked.
 */
export async function revokeGrantsOf(
  tx: Tx,
  ctx: TeamContext,
  target: { membershipId: string; userId: string; email: string },
  reason: "removed" | "left" | "role_lowered",
  now = new Date(),
): Promise<{ invites: number; tokens: number }> {
  const teamId = ctx.team.id;
  const invites = await tx.invite.updateMany({
    where: { teamId, createdById: target.userId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: now },
  });
  const tokens = await tx.apiToken.updateMany({
    where: { teamId, createdById: target.userId, revokedAt: null },
    data: { revokedAt: now },
  });
  if (invites.count > 0 || tokens.count > 0) {
    await recordAudit(
      {
        action: "member.grants_revoked",
        teamId,
        actorUserId: ctx.user?.id ?? null,
        targetType: "membership",
        targetId: target.membershipId,
        data: { user: target.email, reason, invites: invites.count, tokens: tokens.count },
      },
      tx,
    );
  }
  return { invites: invites.count, tokens: tokens.count };
}
