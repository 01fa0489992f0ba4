import { recordAudit, type RequestMeta } from "@/lib/audit";
import { AccountExistsError, hashPassword, type SignUpInput } from "@/lib/auth";
import { db } from "@/lib/db";

export class ConvertTrialError extends Error {}

/**
 * Turns a guest into an ordinary account (email, name, password) and its trial teams into
 * ordinary teams: nothing is copied, so clusters, runs and share links stay as they are and
 * the expiry job no longer touches them. The session stays valid (sessionVersion unchanged).
 */
export async function convertTrial(userId: string, input: SignUpInput, meta?: RequestMeta, now = new Date()): Promise<{ teamSlug: string | null }> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { isGuest: true, memberships: { select: { team: { select: { id: true, slug: true, isTrial: true, trialExpiresAt: true } } } } },
  });
  if (!user?.isGuest) throw new ConvertTrialError("This account already has a password.");
  const trials = user.memberships.map((m) => m.team).filter((t) => t.isTrial);
  if (trials.some((t) => t.trialExpiresAt && t.trialExpiresAt <= now)) {
    throw new ConvertTrialError("This trial has expired and is being deleted. Start a new one, or create an account.");
  }
  const passwordHash = await hashPassword(input.password);
  const teamName = `${input.name.split(" ")[0]}'s team`;
  try {
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { email: input.email, name: input.name, passwordHash, isGuest: false } });
      for (const team of trials) {
        await tx.team.update({ where: { id: team.id }, data: { isTrial: false, trialExpiresAt: null, name: teamName } });
        await recordAudit({ action: "trial.converted", teamId: team.id, actorUserId: userId, targetType: "user", targetId: userId, meta }, tx);
      }
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AccountExistsError();
    throw err;
  }
  return { teamSlug: trials[0]?.slug ?? null };
}
