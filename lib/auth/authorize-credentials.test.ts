import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue/connection";
import { authorizeCredentials, WRONG_CREDENTIALS } from "./authorize-credentials";
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
    ({ userId } = await createAccount({ name: "Sign In", email, password }, { ip: null, userAgent: null }));
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

  it("throttles one email at 5 attempts a minute, from any address", async () => {
    const target = `${randomUUID()}@example.test`;
    for (let i = 0; i < 5; i++) {
      await expect(
        authorizeCredentials({ email: target, password: "x" }, { ip: ip(), userAgent: null }),
      ).rejects.toThrow(WRONG_CREDENTIALS);
    }
    await expect(
      authorizeCredentials({ email: target, password: "x" }, { ip: ip(), userAgent: null }),
    ).rejects.toThrow(/^Too many sign-in attempts\. Try again in \d+ seconds?\.$/);
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

  it("a successful sign-in resets the count of its email", async () => {
    const email = `${randomUUID()}@example.test`;
    const { userId } = await createAccount({ name: "Reset", email, password }, { ip: null, userAgent: null });
    for (let i = 0; i < 4; i++)
      await authorizeCredentials({ email, password: "wrong" }, { ip: ip(), userAgent: null }).catch(() => {});
    await authorizeCredentials({ email, password }, { ip: ip(), userAgent: null });
    for (let i = 0; i < 4; i++)
      await authorizeCredentials({ email, password: "wrong" }, { ip: ip(), userAgent: null }).catch(() => {});
    await expect(
      authorizeCredentials({ email, password }, { ip: ip(), userAgent: null }),
    ).resolves.toMatchObject({ id: userId });
  });
});
