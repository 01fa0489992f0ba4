import { z } from "zod";
import { db } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { burnPasswordCheck, verifyPassword } from "./password";
import { SIGNIN_PER_EMAIL, SIGNIN_PER_IP, hit, reset, throttleMessage } from "./throttle";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(3).max(254),
  password: z.string().min(1).max(200),
});

export class SignInError extends Error {}

export const WRONG_CREDENTIALS = "Wrong email or password.";

/**
 * Checks an email and password, throttled per address and per email through Redis.
 * Throws SignInError with the message to show; returns the user on success.
 */
export async function authorizeCredentials(raw: unknown, meta: RequestMeta) {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) throw new SignInError(WRONG_CREDENTIALS);
  const { email, password } = parsed.data;

  const [byIp, byEmail] = await Promise.all([
    hit(SIGNIN_PER_IP, meta.ip ?? "unknown"),
    hit(SIGNIN_PER_EMAIL, email),
  ]);
  if (!byIp.allowed || !byEmail.allowed) {
    throw new SignInError(throttleMessage(Math.max(byIp.retryAfterSeconds, byEmail.retryAfterSeconds)));
  }

  const user = await db.user.findUnique({ where: { email } });
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, password)
    : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    await recordAudit({
      action: "auth.signin_failed",
      actorUserId: user?.id ?? null,
      data: { reason: "credentials" },
      meta,
    });
    throw new SignInError(WRONG_CREDENTIALS);
  }
  await reset(SIGNIN_PER_EMAIL, email);
  await db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  await recordAudit({ action: "auth.signin", actorUserId: user.id, meta });
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}
