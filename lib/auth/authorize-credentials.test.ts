import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue/connection";
import { randomBytes } from "node:crypto";
import { authorizeCredentials, SIGNIN_LIMITS, UNCONFIRMED_EMAIL, WRONG_CREDENTIALS, type SignInLimits } from "./authorize-credentials";
import { createAccount } from "./create-account";

// Each test signs in from its own address so the per-address limit of one does not
// spill into another.
const ip = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const password = "correct horse battery";
let email: string;
let userId: string;

describe("authorizeCredentials", () => {
  beforeAll(async () => {
    email = `${randomUUID()}@example.test`;
    ({ userId } = await createAccount({ name: "Sign In", email, password }, { ip: null, userAgent: null }, { emailVerified: true }));
  });
  afterAll(async () => {
    await closeProducerConnection();
    await db.$disconnect();
  });

  it("signs in with the right password, whatever the email's case, and audits it", async () => {
    const meta = { ip: ip(), userAgent: "vitest" };
    const user = await authorizeCredentials({ email: email.toUpperCase(), password }, meta);
    expect(user.id).toBe(userId);
    const event = await db.auditEvent.findFirst({
      where: { actorUserId: userId, action: "auth.signin" },
      orderBy: { at: "desc" },
    });
    expect(event).toMatchObject({ teamId: null, ip: meta.ip, userAgent: "vitest" });
  });

  it("refuses a wrong password or an unknown email with the same message, and audits the failure", async () => {
    const meta = { ip: ip(), userAgent: "vitest" };
    await expect(authorizeCredentials({ email, password: "wrong" }, meta)).rejects.toThrow(WRONG_CREDENTIALS);
    await expect(
      authorizeCredentials({ email: `${randomUUID()}@example.test`, password }, meta),
    ).rejects.toThrow(WRONG_CREDENTIALS);
    const failures = await db.auditEvent.findMany({ where: { action: "auth.signin_failed", ip: meta.ip } });
    expect(failures).toHaveLength(2);
    expect(failures.every((f) => f.teamId === null)).toBe(true);
    expect(failures.map((f) => f.actorUserId).sort()).toEqual([userId, null].sort());
  });

  it("names the field left empty instead of calling the credentials wrong", async () => {
    const meta = { ip: ip(), userAgent: null };
    await expect(authorizeCredentials({ email: "", password: "" }, meta)).rejects.toThrow("Enter your email address and your password.");
    await expect(authorizeCredentials({ email: "  ", password }, meta)).rejects.toThrow("Enter your email address.");
    await expect(authorizeCredentials({ email, password: "" }, meta)).rejects.toThrow("Enter your password.");
    await expect(authorizeCredentials(undefined, meta)).rejects.toThrow("Enter your email address and your password.");
  });

  it("an account whose address is not confirmed does not sign in, and says why only to the right password", async () => {
    const address = `${randomUUID()}@example.test`;
    await createAccount({ name: "Unconfirmed", email: address, password }, { ip: null, userAgent: null });
    await expect(authorizeCredentials({ email: address, password: "wrong" }, { ip: ip(), userAgent: null })).rejects.toThrow(WRONG_CREDENTIALS);
    await expect(authorizeCredentials({ email: address, password }, { ip: ip(), userAgent: null })).rejects.toThrow(UNCONFIRMED_EMAIL);
  });

  it("five wrong passwords from one address stop that address for the account, not the owner elsewhere", async () => {
    const attacker = ip();
    for (let i = 0; i < 5; i++) {
      await expect(authorizeCredentials({ email, password: "x" }, { ip: attacker, userAgent: null })).rejects.toThrow(WRONG_CREDENTIALS);
    }
    await expect(authorizeCredentials({ email, password }, { ip: attacker, userAgent: null })).rejects.toThrow(
      /^Too many sign-in attempts\. Try again in \d+ seconds?\.$/,
    );
    // The owner, at another address, signs in at once.
    await expect(authorizeCredentials({ email, password }, { ip: ip(), userAgent: null })).resolves.toMatchObject({ id: userId });
    // The stopped address may still try another account (its own limit is per address).
    await expect(
      authorizeCredentials({ email: `${randomUUID()}@example.test`, password: "x" }, { ip: attacker, userAgent: null }),
    ).rejects.toThrow(WRONG_CREDENTIALS);
  });

  it("an account under attack from many addresses only slows unknown addresses: the owner still signs in", async () => {
    const address = `${randomUUID()}@example.test`;
    const { userId: owner } = await createAccount({ name: "Target", email: address, password }, { ip: null, userAgent: null }, { emailVerified: true });
    const home = ip();
    await authorizeCredentials({ email: address, password }, { ip: home, userAgent: null });
    const limits: SignInLimits = {
      ...SIGNIN_LIMITS,
      accountFailures: { bucket: `test:failures:${randomBytes(6).toString("hex")}`, max: 6, windowSeconds: 600 },
      slowdownMs: 10,
    };
    // Six addresses, one wrong password each: no address reaches its own limit.
    for (let i = 0; i < 6; i++) {
      await expect(authorizeCredentials({ email: address, password: "guess" }, { ip: ip(), userAgent: null }, limits)).rejects.toThrow(WRONG_CREDENTIALS);
    }
    // Under attack now: a new address is slowed (audited as such) but never refused...
    const travelling = ip();
    await expect(authorizeCredentials({ email: address, password }, { ip: travelling, userAgent: "laptop" }, limits)).resolves.toMatchObject({ id: owner });
    const slowed = await db.auditEvent.findFirstOrThrow({ where: { actorUserId: owner, action: "auth.signin", ip: travelling } });
    expect(slowed.data).toEqual({ slowed: true });
    // ...and the address the owner signed in from before is not slowed at all.
    await expect(authorizeCredentials({ email: address, password }, { ip: home, userAgent: "desk" }, limits)).resolves.toMatchObject({ id: owner });
    const known = await db.auditEvent.findFirstOrThrow({ where: { actorUserId: owner, action: "auth.signin", userAgent: "desk" } });
    expect(known.data).toBeNull();
    // Strangers' failures under attack are audited as slowed.
    await expect(authorizeCredentials({ email: address, password: "guess" }, { ip: ip(), userAgent: "bot" }, limits)).rejects.toThrow(WRONG_CREDENTIALS);
    const failed = await db.auditEvent.findFirstOrThrow({ where: { actorUserId: owner, action: "auth.signin_failed", userAgent: "bot" } });
    expect(failed.data).toEqual({ reason: "credentials", slowed: true });
  });

  it("throttles one address at 10 attempts a minute, across emails, even with the right password", async () => {
    const meta = { ip: ip(), userAgent: null };
    for (let i = 0; i < 10; i++) {
      await expect(
        authorizeCredentials({ email: `${randomUUID()}@example.test`, password: "x" }, meta),
      ).rejects.toThrow(WRONG_CREDENTIALS);
    }
    await expect(authorizeCredentials({ email, password }, meta)).rejects.toThrow(
      /Too many sign-in attempts/,
    );
  });

  it("a successful sign-in resets the count of its account from that address", async () => {
    const email = `${randomUUID()}@example.test`;
    const { userId } = await createAccount({ name: "Reset", email, password }, { ip: null, userAgent: null }, { emailVerified: true });
    const at = { ip: ip(), userAgent: null };
    for (let i = 0; i < 4; i++) await authorizeCredentials({ email, password: "wrong" }, at).catch(() => {});
    await authorizeCredentials({ email, password }, at);
    for (let i = 0; i < 4; i++) await authorizeCredentials({ email, password: "wrong" }, at).catch(() => {});
    await expect(authorizeCredentials({ email, password }, at)).resolves.toMatchObject({ id: userId });
  });
});
