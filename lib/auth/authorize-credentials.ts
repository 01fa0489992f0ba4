import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { db } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { burnPasswordCheck, verifyPassword } from "./password";
import {
  SIGNIN_ACCOUNT_FAILURES,
  SIGNIN_PER_ACCOUNT_IP,
  SIGNIN_PER_IP,
  SIGNIN_SLOWDOWN_MS,
  hit,
  isKnownAddress,
  peek,
  rememberAddress,
  reset,
  throttleMessage,
  type Limit,
} from "./throttle";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(3).max(254),
  password: z.string().min(1).max(200),
});

export class SignInError extends Error {}

export const WRONG_CREDENTIALS = "Wrong email or password.";
export const UNCONFIRMED_EMAIL =
  "Confirm your email address first: open the link in the mail we sent when you signed up. To get a new link, sign up again with the same address.";

/** The sentence for a form sent with a field left empty, or null when both are filled in. */
export function missingCredentials(raw: unknown): string | null {
  const r = (raw ?? {}) as { email?: unknown; password?: unknown };
  const noEmail = typeof r.email !== "string" || r.email.trim() === "";
  const noPassword = typeof r.password !== "string" || r.password === "";
  if (noEmail && noPassword) return "Enter your email address and your password.";
  if (noEmail) return "Enter your email address.";
  if (noPassword) return "Enter your password.";
  return null;
}

/** The limits sign-in applies (lib/auth/throttle.ts explains them); tests pass smaller ones. */
export interface SignInLimits {
  perIp: Limit;
  perAccountIp: Limit;
  accountFailures: Limit;
  slowdownMs: number;
}

export const SIGNIN_LIMITS: SignInLimits = {
  perIp: SIGNIN_PER_IP,
  perAccountIp: SIGNIN_PER_ACCOUNT_IP,
  accountFailures: SIGNIN_ACCOUNT_FAILURES,
  slowdownMs: SIGNIN_SLOWDOWN_MS,
};

/**
 * Checks an email and password, throttled through Redis per address, per account and address,
 * and (by delay only) per account. Throws SignInError with the message to show; returns the
 * user on success.
 */
export async function authorizeCredentials(raw: unknown, meta: RequestMeta, limits: SignInLimits = SIGNIN_LIMITS) {
  const missing = missingCredentials(raw);
  if (missing) throw new SignInError(missing);
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) throw new SignInError(WRONG_CREDENTIALS);
  const { email, password } = parsed.data;
  const address = meta.ip ?? "unknown";
  const accountAddress = `${email} ${address}`;

  const [byIp, byAccountIp] = await Promise.all([hit(limits.perIp, address), hit(limits.perAccountIp, accountAddress)]);
  if (!byIp.allowed || !byAccountIp.allowed) {
    throw new SignInError(throttleMessage(Math.max(byIp.retryAfterSeconds, byAccountIp.retryAfterSeconds)));
  }
  // An account under attack slows down the addresses it does not know; it never refuses them.
  const underAttack = (await peek(limits.accountFailures, email)) >= limits.accountFailures.max;
  const slowed = underAttack && !(await isKnownAddress(email, address));
  if (slowed) await sleep(limits.slowdownMs);

  const user = await db.user.findUnique({ where: { email } });
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, password)
    : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    await hit(limits.accountFailures, email);
    await recordAudit({
      action: "auth.signin_failed",
      actorUserId: user?.id ?? null,
      data: { reason: "credentials", ...(slowed ? { slowed: true } : {}) },
      meta,
    });
    throw new SignInError(WRONG_CREDENTIALS);
  }
  await reset(limits.perAccountIp, accountAddress);
  await rememberAddress(email, address);
  if (!user.emailVerifiedAt && !user.isGuest) {
    // Only someone with the right password learns that the address is not confirmed yet.
    await recordAudit({ action: "auth.signin_failed", actorUserId: user.id, data: { reason: "unconfirmed" }, meta });
    throw new SignInError(UNCONFIRMED_EMAIL);
  }
  await db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  await recordAudit({
    action: "auth.signin",
    actorUserId: user.id,
    ...(slowed ? { data: { slowed: true } } : {}),
    meta,
  });
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}
