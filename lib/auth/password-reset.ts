import { z } from "zod";
import { db } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { dispatchMail } from "@/lib/mail";
import { passwordResetMail } from "./account-mail";
import { consumeAccountToken, findAccountToken, issueAccountToken } from "./account-tokens";
import { newPasswordField } from "./create-account";
import { hashPassword } from "./password";
import { passwordWeakness } from "./password-strength";
import { linkDelivery, type LinkDelivery } from "./register-account";
import { RESET_PER_EMAIL, RESET_PER_IP, hit, throttleMessage } from "./throttle";

export const forgotPasswordSchema = z.object({
  email: z
    .string({ error: "Enter your email address" })
    .trim()
    .toLowerCase()
    .min(1, "Enter your email address")
    .max(254, "An email address has at most 254 characters")
    .pipe(z.email("Enter a valid email address")),
});

export const EXPIRED_RESET_LINK =
  "This link has expired or was already used. Ask for a new one: a reset link works once, for one hour.";

export type ResetRequestResult = { ok: true; delivery: LinkDelivery } | { ok: false; error: string };

/**
 * "Forgot your password?": mails a single-use link to the account with this address, if there
 * is one. The answer is the same either way (the page must not tell who has an account).
 */
export async function requestPasswordReset(email: string, meta: RequestMeta): Promise<ResetRequestResult> {
  const [byIp, byEmail] = await Promise.all([hit(RESET_PER_IP, meta.ip ?? "unknown"), hit(RESET_PER_EMAIL, email)]);
  if (!byIp.allowed || !byEmail.allowed) {
    return {
      ok: false,
      error: throttleMessage(Math.max(byIp.retryAfterSeconds, byEmail.retryAfterSeconds), "password reset"),
    };
  }
  const user = await db.user.findUnique({ where: { email }, select: { id: true, name: true, isGuest: true } });
  if (user && !user.isGuest) {
    const link = await db.$transaction(async (tx) => {
      await recordAudit(
        { action: "auth.password_reset_requested", actorUserId: user.id, targetType: "user", targetId: user.id, meta },
        tx,
      );
      return issueAccountToken({ userId: user.id, purpose: "PASSWORD_RESET", email }, tx);
    });
    dispatchMail(passwordResetMail(email, user.name, link));
  }
  return { ok: true, delivery: linkDelivery() };
}

export type ResetResult = { ok: true; email: string } | { ok: false; error?: string; passwordError?: string };

/**
 * Sets a new password through a reset link. The link works once; using it ends every session
 * of the account (sessionVersion moves on), confirms the address it was sent to, and is audited.
 * A password that is refused leaves the link usable.
 */
export async function resetPassword(token: string, password: unknown, meta: RequestMeta): Promise<ResetResult> {
  const row = await findAccountToken(token, "PASSWORD_RESET");
  const user = row ? await db.user.findUnique({ where: { id: row.userId } }) : null;
  if (!row || !user) return { ok: false, error: EXPIRED_RESET_LINK };
  const parsed = newPasswordField.safeParse(password);
  if (!parsed.success) return { ok: false, passwordError: parsed.error.issues[0]!.message };
  const weakness = passwordWeakness(parsed.data, { email: user.email, name: user.name });
  if (weakness) return { ok: false, passwordError: weakness };
  const passwordHash = await hashPassword(parsed.data);
  const done = await db.$transaction(async (tx) => {
    if (!(await consumeAccountToken(token, "PASSWORD_RESET", tx))) return false;
    await tx.user.update({
      where: { id: user.id },
      data: {
        passwordHash,
        sessionVersion: { increment: 1 },
        ...(user.email === row.email && !user.emailVerifiedAt ? { emailVerifiedAt: new Date() } : {}),
      },
    });
    await tx.accountToken.deleteMany({ where: { userId: user.id, purpose: "PASSWORD_RESET", usedAt: null } });
    await recordAudit(
      {
        action: "auth.password_reset",
        actorUserId: user.id,
        targetType: "user",
        targetId: user.id,
        data: { sessionsRevoked: true },
        meta,
      },
      tx,
    );
    return true;
  });
  return done ? { ok: true, email: user.email } : { ok: false, error: EXPIRED_RESET_LINK };
}
