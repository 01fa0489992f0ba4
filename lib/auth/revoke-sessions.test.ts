import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createAccount } from "./create-account";
import { revokeSessions } from "./revoke-sessions";

describe("revokeSessions", () => {
  afterAll(() => db.$disconnect());

  it("moves the user's session version on, so older session tokens stop counting, and audits it", async () => {
    const { userId } = await createAccount(
      { name: "Revoker", email: `${randomUUID()}@example.test`, password: "correct horse" },
      { ip: null, userAgent: null },
    );
    await revokeSessions(userId, { ip: "192.0.2.9", userAgent: "vitest" });
    await revokeSessions(userId, { ip: "192.0.2.9", userAgent: "vitest" });
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).sessionVersion).toBe(2);
    expect(
      await db.auditEvent.count({
        where: { actorUserId: userId, action: "auth.sessions_revoked", ip: "192.0.2.9" },
      }),
    ).toBe(2);
  });
});
