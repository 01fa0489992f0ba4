import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { startMailSink } from "@/lib/mail/testing/mail-sink";

// Sign-up, address confirmation and password reset, through the real mail transport: a local
// SMTP server receives what the app sends, and the tests follow the links in it.
const sink = await startMailSink();
process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
process.env.MAIL_FROM = "Pystol <no-reply@pystol.test>";
const { db } = await import("@/lib/db");
const { closeProducerConnection } = await import("@/lib/queue/connection");
const { settleMail } = await import("@/lib/mail");
const { registerAccount } = await import("./register-account");
const { confirmEmail } = await import("./confirm-email");
const { requestPasswordReset, resetPassword, EXPIRED_RESET_LINK } = await import("./password-reset");
const { authorizeCredentials, UNCONFIRMED_EMAIL, WRONG_CREDENTIALS } = await import("./authorize-credentials");
const { signUpSchema } = await import("./create-account");

const password = "lantern orchard velvet";
const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const meta = () => ({ ip: ip(), userAgent: "vitest" });
const address = () => `${randomUUID().slice(0, 12)}@example.test`;

/** The newest mail to `to`, once every dispatched mail has reached the sink. */
async function lastMail(to: string) {
  await settleMail();
  const mails = sink.to(to);
  expect(mails.length).toBeGreaterThan(0);
  return mails.at(-1)!;
}

function tokenOf(link: string): string {
  return new URL(link).pathname.split("/").at(-1)!;
}

afterAll(async () => {
  await settleMail();
  await sink.close();
  await closeProducerConnection();
  await db.$disconnect();
});

describe("sign-up with confirmation", () => {
  it("mails a confirmation link; the account signs in only once it is confirmed", async () => {
    const email = address();
    expect(await registerAccount({ name: "Grace Hopper", email, password }, meta())).toBe("mail");
    const mail = await lastMail(email);
    expect(mail.subject).toBe("Confirm your email address for Pystol");
    const link = mail.links.find((l) => l.includes("/verify-email/"))!;
    expect(link).toMatch(/^http:\/\/localhost:3000\/verify-email\/vfy_[A-Za-z0-9_-]{43}$/);
    // Only the hash of the token is stored.
    const stored = await db.accountToken.findFirstOrThrow({ where: { email } });
    expect(stored.tokenHash).not.toContain(tokenOf(link));

    await expect(authorizeCredentials({ email, password }, meta())).rejects.toThrow(UNCONFIRMED_EMAIL);
    const confirmed = await confirmEmail(tokenOf(link), meta());
    expect(confirmed).toMatchObject({ kind: "account", email, next: null });
    await expect(authorizeCredentials({ email, password }, meta())).resolves.toMatchObject({ email });
    // The link works once.
    expect(await confirmEmail(tokenOf(link), meta())).toEqual({ kind: "invalid" });
  });

  it("answers the same for an address that has an account, changes nothing, and tells its owner", async () => {
    const email = address();
    await registerAccount({ name: "First Owner", email, password }, meta());
    await confirmEmail(tokenOf((await lastMail(email)).links[0]!), meta());
    const before = await db.user.findUniqueOrThrow({ where: { email } });
    const users = await db.user.count();

    const answer = await registerAccount({ name: "Someone Else", email, password: "another long passphrase" }, meta());
    expect(answer).toBe("mail");
    expect(await db.user.count()).toBe(users);
    expect(await db.user.findUniqueOrThrow({ where: { email } })).toEqual(before);
    const mail = await lastMail(email);
    expect(mail.subject).toBe("Someone tried to create a Pystol account with your address");
    expect(mail.links.some((l) => l.includes("/verify-email/"))).toBe(false);
    await expect(authorizeCredentials({ email, password: "another long passphrase" }, meta())).rejects.toThrow(WRONG_CREDENTIALS);
  });

  it("a repeated sign-up of an unconfirmed address replaces its password, and only the newest link works", async () => {
    const email = address();
    await registerAccount({ name: "Early Bird", email, password: "first chosen passphrase" }, meta());
    const first = tokenOf((await lastMail(email)).links[0]!);
    await registerAccount({ name: "Early Bird", email, password }, meta());
    const second = tokenOf((await lastMail(email)).links[0]!);
    expect(second).not.toBe(first);
    expect(await confirmEmail(first, meta())).toEqual({ kind: "invalid" });
    expect((await confirmEmail(second, meta())).kind).toBe("account");
    await expect(authorizeCredentials({ email, password: "first chosen passphrase" }, meta())).rejects.toThrow(WRONG_CREDENTIALS);
    await expect(authorizeCredentials({ email, password }, meta())).resolves.toMatchObject({ email });
  });

  it("mails one address at most three times an hour through the form: then the same answer, no mail, no change", async () => {
    const email = address();
    for (let i = 0; i < 3; i++) expect(await registerAccount({ name: "Flooded", email, password }, meta())).toBe("mail");
    await settleMail();
    expect(sink.to(email)).toHaveLength(3);
    const before = await db.user.findUniqueOrThrow({ where: { email } });
    expect(await registerAccount({ name: "Flooder", email, password: "another long passphrase" }, meta())).toBe("mail");
    await settleMail();
    expect(sink.to(email)).toHaveLength(3);
    expect(await db.user.findUniqueOrThrow({ where: { email } })).toEqual(before);
  });

  it("keeps where to go after confirming (an invitation), a same-site path only", async () => {
    const email = address();
    await registerAccount({ name: "Invited Person", email, password }, meta(), "/invite/inv_abc");
    expect(await confirmEmail(tokenOf((await lastMail(email)).links[0]!), meta())).toMatchObject({ next: "/invite/inv_abc" });
  });
});

describe("password reset", () => {
  async function confirmedAccount(name = "Reset Person") {
    const email = address();
    await registerAccount({ name, email, password }, meta());
    await confirmEmail(tokenOf((await lastMail(email)).links[0]!), meta());
    return db.user.findUniqueOrThrow({ where: { email } });
  }

  it("answers the same for an unknown address and mails nothing", async () => {
    const email = address();
    expect(await requestPasswordReset(email, meta())).toEqual({ ok: true, delivery: "mail" });
    await settleMail();
    expect(sink.to(email)).toEqual([]);
  });

  it("mails a single-use link; the new password works, the old does not, every session ends, and it is audited", async () => {
    const user = await confirmedAccount();
    const m = meta();
    expect(await requestPasswordReset(user.email, m)).toEqual({ ok: true, delivery: "mail" });
    const mail = await lastMail(user.email);
    expect(mail.subject).toBe("Choose a new Pystol password");
    const link = mail.links.find((l) => l.includes("/reset-password/"))!;
    const token = tokenOf(link);

    const fresh = "quartz meadow tinsel harbor";
    expect(await resetPassword(token, fresh, m)).toEqual({ ok: true, email: user.email });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
    await expect(authorizeCredentials({ email: user.email, password }, meta())).rejects.toThrow(WRONG_CREDENTIALS);
    await expect(authorizeCredentials({ email: user.email, password: fresh }, meta())).resolves.toMatchObject({ id: user.id });
    expect(await resetPassword(token, "another fresh passphrase here", meta())).toEqual({ ok: false, error: EXPIRED_RESET_LINK });
    const audit = await db.auditEvent.findMany({ where: { actorUserId: user.id, action: { startsWith: "auth.password_reset" } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["auth.password_reset", "auth.password_reset_requested"]);
    expect(audit.every((a) => a.ip === m.ip)).toBe(true);
  });

  it("refuses a weak or context-derived password with a sentence and leaves the link usable", async () => {
    const user = await confirmedAccount("Weak Chooser");
    await requestPasswordReset(user.email, meta());
    const token = tokenOf((await lastMail(user.email)).links.find((l) => l.includes("/reset-password/"))!);
    const weak = await resetPassword(token, "password", meta());
    expect(weak).toMatchObject({ ok: false, passwordError: expect.stringMatching(/^This password is too easy to guess/) });
    const own = await resetPassword(token, user.email, meta());
    expect(own).toMatchObject({ ok: false, passwordError: expect.stringContaining("your name, your email address") });
    expect(await resetPassword(token, "short", meta())).toEqual({ ok: false, passwordError: "Use at least 8 characters" });
    expect((await resetPassword(token, "sturdy copper kettle drum", meta())).ok).toBe(true);
  });

  it("refuses an expired link and a link of another kind", async () => {
    const user = await confirmedAccount();
    await requestPasswordReset(user.email, meta());
    const token = tokenOf((await lastMail(user.email)).links.find((l) => l.includes("/reset-password/"))!);
    await db.accountToken.updateMany({ where: { userId: user.id, purpose: "PASSWORD_RESET", usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await resetPassword(token, "sturdy copper kettle drum", meta())).toEqual({ ok: false, error: EXPIRED_RESET_LINK });
    expect(await resetPassword(token.replace(/^rst_/, "vfy_"), "sturdy copper kettle drum", meta())).toEqual({ ok: false, error: EXPIRED_RESET_LINK });
    expect(await resetPassword("rst_not-a-token", "sturdy copper kettle drum", meta())).toEqual({ ok: false, error: EXPIRED_RESET_LINK });
  });

  it("throttles requests for one address", async () => {
    const email = address();
    for (let i = 0; i < 3; i++) expect((await requestPasswordReset(email, meta())).ok).toBe(true);
    expect(await requestPasswordReset(email, meta())).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many password reset attempts/) });
  });
});

describe("password strength at sign-up", () => {
  it.each([
    ["password", /too easy to guess/],
    ["12345678", /too easy to guess/],
    ["Password1!", /too easy to guess/],
  ])("refuses %j with a sentence that says what to do", (pw, why) => {
    const r = signUpSchema.safeParse({ name: "Ada Lovelace", email: "ada.lovelace@example.test", password: pw });
    const message = r.error?.flatten().fieldErrors.password?.[0];
    expect(message).toMatch(why);
    expect(message).toContain("Use a longer password, such as three or four unrelated words.");
  });

  it("refuses the email address itself and passwords made of the person's name", () => {
    for (const pw of ["ada.lovelace@example.test", "adalovelace", "lovelace1815"]) {
      const r = signUpSchema.safeParse({ name: "Ada Lovelace", email: "ada.lovelace@example.test", password: pw });
      expect(r.error?.flatten().fieldErrors.password?.[0]).toMatch(/your name, your email address/);
    }
  });

  it("accepts a passphrase of unrelated words", () => {
    expect(signUpSchema.safeParse({ name: "Ada Lovelace", email: "ada@example.test", password }).success).toBe(true);
  });
});
