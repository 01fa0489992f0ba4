import { db } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { dispatchMail, mailConfigured } from "@/lib/mail";
import { accountExistsMail, confirmationMail } from "./account-mail";
import { issueAccountToken } from "./account-tokens";
import { AccountExistsError, createAccount, type SignUpInput } from "./create-account";
import { hashPassword } from "./password";
import { ACCOUNT_MAIL_PER_EMAIL, hit } from "./throttle";

/** How the confirmation reached the person: by mail, or (no mail server) through the operator's log. */
export type LinkDelivery = "mail" | "log";

export function linkDelivery(): LinkDelivery {
  return mailConfigured() ? "mail" : "log";
}

/**
 * Whether a form a stranger can fill in may make the service mail `email` again: at most
 * ACCOUNT_MAIL_PER_EMAIL an hour. Past that the form changes nothing and sends nothing, and
 * still gives its usual answer.
 */
export async function accountMailAllowed(email: string): Promise<boolean> {
  return (await hit(ACCOUNT_MAIL_PER_EMAIL, email)).allowed;
}

/**
 * Sign-up. The answer is the same whether or not the address has an account, so the form
 * cannot be used to find out who has one; the mailbox hears the difference instead:
 * - a new address gets an account that cannot sign in yet, and a confirmation link;
 * - an address with an unconfirmed account: the newest sign-up's name and password replace
 *   the earlier ones, with a new link (the earlier link stops working);
 * - an address with a confirmed account: its owner gets a mail saying someone tried, and
 *   nothing changes;
 * - an address mailed too often this hour: nothing happens at all (accountMailAllowed).
 * `next`: where to go after confirming and signing in (an invitation), a same-site path.
 */
export async function registerAccount(input: SignUpInput, meta: RequestMeta, next?: string): Promise<LinkDelivery> {
  const data = next ? { next } : undefined;
  if (!(await accountMailAllowed(input.email))) {
    await hashPassword(input.password);
    return linkDelivery();
  }
  const existing = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, emailVerifiedAt: true, isGuest: true },
  });
  if (!existing) {
    try {
      const { userId } = await createAccount(input, meta);
      const link = await issueAccountToken({ userId, purpose: "EMAIL_VERIFICATION", email: input.email, data });
      dispatchMail(confirmationMail(input.email, input.name, link));
      return linkDelivery();
    } catch (err) {
      if (!(err instanceof AccountExistsError)) throw err;
      // Taken between the look-up and the insert: answer as for any taken address.
      return existingAccount(input.email, null, meta);
    }
  }
  if (existing.emailVerifiedAt || existing.isGuest) {
    // The same work as a new account (one password hash), so the answer time tells nothing.
    await hashPassword(input.password);
    return existingAccount(input.email, existing.id, meta);
  }
  const passwordHash = await hashPassword(input.password);
  const link = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: existing.id }, data: { name: input.name, passwordHash } });
    await recordAudit(
      { action: "account.signup_repeated", actorUserId: existing.id, targetType: "user", targetId: existing.id, meta },
      tx,
    );
    return issueAccountToken({ userId: existing.id, purpose: "EMAIL_VERIFICATION", email: input.email, data }, tx);
  });
  dispatchMail(confirmationMail(input.email, input.name, link));
  return linkDelivery();
}

async function existingAccount(email: string, userId: string | null, meta: RequestMeta): Promise<LinkDelivery> {
  await recordAudit({
    action: "account.signup_existing_email",
    ...(userId ? { targetType: "user", targetId: userId } : {}),
    meta,
  });
  dispatchMail(accountExistsMail(email));
  return linkDelivery();
}
