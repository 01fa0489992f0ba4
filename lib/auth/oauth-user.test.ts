import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createAccount } from "./create-account";
import { upsertOAuthUser } from "./oauth-user";

const oauth = (email: string, emailVerified = true, id = randomUUID()) => ({
  provider: "github",
  providerAccountId: id,
  email,
  emailVerified,
  name: "Octo Cat",
});

describe("upsertOAuthUser", () => {
  afterAll(() => db.$disconnect());

  it("creates the user and a personal team they own on the first sign-in", async () => {
    const email = `${randomUUID()}@example.test`;
    const user = await upsertOAuthUser(oauth(email.toUpperCase()));
    expect(user).toMatchObject({ email, name: "Octo Cat", passwordHash: null });
    const memberships = await db.membership.findMany({
      where: { userId: user!.id },
      include: { team: true },
    });
    expect(memberships.map((m) => [m.role, m.team.name, m.team.personal])).toEqual([
      ["OWNER", "Octo's team", true],
    ]);
  });

  it("links to an existing account with the same verified email, and finds it again by provider id", async () => {
    const email = `${randomUUID()}@example.test`;
    const { userId } = await createAccount(
      { name: "Has Password", email, password: "correct horse" },
      { ip: null, userAgent: null },
    );
    const input = oauth(email);
    expect((await upsertOAuthUser(input))?.id).toBe(userId);
    expect((await upsertOAuthUser({ ...input, email: "changed@example.test" }))?.id).toBe(userId);
    expect(await db.oAuthAccount.count({ where: { userId } })).toBe(1);
    expect(await db.membership.count({ where: { userId } })).toBe(1);
  });

  it("a new account through a provider counts as confirmed; linking confirms an unconfirmed account and drops its unproven password", async () => {
    const fresh = await upsertOAuthUser(oauth(`${randomUUID()}@example.test`));
    expect(fresh?.emailVerifiedAt).toBeInstanceOf(Date);

    // Someone signed up with this address and a password of their choosing, never confirmed.
    const email = `${randomUUID()}@example.test`;
    const { userId } = await createAccount({ name: "Squatter", email, password: "correct horse" }, { ip: null, userAgent: null });
    const linked = await upsertOAuthUser(oauth(email));
    expect(linked).toMatchObject({ id: userId, passwordHash: null });
    expect(linked?.emailVerifiedAt).toBeInstanceOf(Date);

    // A confirmed account keeps its password when a provider is linked.
    const other = `${randomUUID()}@example.test`;
    const kept = await createAccount({ name: "Owner", email: other, password: "correct horse" }, { ip: null, userAgent: null }, { emailVerified: true });
    expect((await upsertOAuthUser(oauth(other)))?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(kept.userId).toBeTruthy();
  });

  it("refuses an email the provider has not verified: nothing linked, nothing created", async () => {
    const email = `${randomUUID()}@example.test`;
    const { userId } = await createAccount(
      { name: "Victim", email, password: "correct horse" },
      { ip: null, userAgent: null },
    );
    expect(await upsertOAuthUser(oauth(email, false))).toBeNull();
    expect(await upsertOAuthUser(oauth(`${randomUUID()}@example.test`, false))).toBeNull();
    expect(await db.oAuthAccount.count({ where: { userId } })).toBe(0);
  });
});
