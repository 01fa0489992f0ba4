import { recordAudit, type RequestMeta } from "@/lib/audit";
import {
  AccountExistsError,
  accountExistsMail,
  confirmationMail,
  accountMailAllowed,
  hashPassword,
  issueAccountToken,
  linkDelivery,
  type LinkDelivery,
  type SignUpInput,
} from "@/lib/auth";
import { db, type AccountToken } from "@/lib/db";
import { dispatchMail } from "@/lib/mail";

export class ConvertTrialError extends Error {}

/** The guest's trial teams, or why they cannot be kept. */
async function trialsToKeep(userId: string, now: Date) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { isGuest: true, memberships: { select: { team: { select: { id: true, slug: true, isTrial: true, trialExpiresAt: true } } } } },
  });
  if (!user?.isGuest) throw new ConvertTrialError("This account already has a password.");
  const trials = user.memberships.map((m) => m.team).filter((t) => t.isTrial);
  if (trials.some((t) => t.trialExpiresAt && t.trialExpiresAt <= now)) {
    throw new ConvertTrialError("This trial has expired and is being deleted. Start a new one, or create an account.");
  }
  return trials;
}

/**
 * "Keep this trial": mails a confirmation link to the address the guest gave; the trial is
 * kept once the link is opened (finishKeepTrial). The answer is the same whether or not the
 * address has an account: an address that has one gets a mail saying someone tried instead.
 */
export async function requestKeepTrial(userId: string, input: SignUpInput, meta: RequestMeta, now = new Date()): Promise<LinkDelivery> {
  await trialsToKeep(userId, now);
  const passwordHash = await hashPassword(input.password);
  if (!(await accountMailAllowed(input.email))) return linkDelivery();
  const taken = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (taken && taken.id !== userId) {
    await recordAudit({ action: "trial.keep_existing_email", actorUserId: userId, targetType: "user", targetId: taken.id, meta });
    dispatchMail(accountExistsMail(input.email));
    return linkDelivery();
  }
  const link = await issueAccountToken({
    userId,
    purpose: "EMAIL_VERIFICATION",
    email: input.email,
    data: { keepTrial: { name: input.name, passwordHash } },
  });
  dispatchMail(confirmationMail(input.email, input.name, link, true));
  return linkDelivery();
}

/** Finishes "keep this trial" from its used confirmation link. */
export async function finishKeepTrial(token: AccountToken, meta?: RequestMeta): Promise<{ teamSlug: string | null }> {
  const data = token.data as { keepTrial?: { name?: unknown; passwordHash?: unknown } } | null;
  const keep = data?.keepTrial;
  if (typeof keep?.name !== "string" || typeof keep.passwordHash !== "string")
    throw new ConvertTrialError("This link is not one Pystol sent. Ask for a new one on the trial's Keep page.");
  return convertTrial(token.userId, { name: keep.name, email: token.email, passwordHash: keep.passwordHash }, meta);
}

/**
 * Turns a guest into an ordinary account (email, name, password) and its trial teams into
 * ordinary teams: nothing is copied, so clusters, runs and share links stay as they are and
 * the expiry job no longer touches them. The session stays valid (sessionVersion unchanged).
 * Called once the address is confirmed, so the account counts as confirmed.
 */
export async function convertTrial(
  userId: string,
  input: { name: string; email: string } & ({ password: string } | { passwordHash: string }),
  meta?: RequestMeta,
  now = new Date(),
): Promise<{ teamSlug: string | null }> {
  const trials = await trialsToKeep(userId, now);
  const passwordHash = "passwordHash" in input ? input.passwordHash : await hashPassword(input.password);
  const teamName = `${input.name.split(" ")[0]}'s team`;
  try {
    await db.$transaction(async (tx) => {
      await tx.user.update({
        where: { id: userId },
        data: { email: input.email, name: input.name, passwordHash, isGuest: false, emailVerifiedAt: now },
      });
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
