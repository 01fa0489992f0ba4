import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/crypto";
import { resolveTeamForToken, TeamAccessError } from "@/lib/tenancy";
import { addMember, contextOf, testAccount, type TestUser } from "@/lib/teams/test-helpers";
import {
  ApiTokenError,
  createApiToken,
  createTokenSchema,
  listApiTokens,
  revokeApiToken,
  tokenStatus,
} from ".";

let owner: TestUser, admin: TestUser, other: TestUser;

async function status(p: Promise<unknown>): Promise<number | "ok"> {
  return p.then(
    () => "ok" as const,
    (e: unknown) => {
      expect(e).toBeInstanceOf(TeamAccessError);
      return (e as TeamAccessError).status;
    },
  );
}

describe("API tokens", () => {
  beforeAll(async () => {
    owner = await testAccount("Olga");
    admin = await testAccount("Adam");
    other = await testAccount("Other");
    await addMember(owner.teamSlug, admin, "ADMIN");
  });
  afterAll(() => db.$disconnect());

  it("validates name, scopes and expiry with messages", () => {
    const bad = createTokenSchema.safeParse({ name: " ", scopes: [], expiresIn: "5" });
    expect(bad.success).toBe(false);
    expect(bad.error!.flatten().fieldErrors).toMatchObject({
      name: [expect.stringMatching(/Name the token/)],
      scopes: ["Choose at least one scope"],
      expiresIn: ["Choose when the token expires"],
    });
    expect(createTokenSchema.safeParse({ name: "x", scopes: ["admin"], expiresIn: "7" }).success).toBe(false);
    expect(createTokenSchema.parse({ name: " ci ", scopes: ["read", "read"], expiresIn: "never" })).toEqual({
      name: "ci",
      scopes: ["read"],
      expiresIn: "never",
    });
  });

  it("is shown once and stored hashed; it works for its team and scope, and records its last use", async () => {
    const ctx = await contextOf(admin, owner.teamSlug);
    const { token, id } = await createApiToken(ctx, { name: "CI", scopes: ["read"], expiresIn: "30" });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(row.prefix).toBe(token.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(token.slice(12));
    expect(row.expiresAt!.getTime() - row.createdAt.getTime()).toBeGreaterThan(29 * 86_400_000);
    expect(row.lastUsedAt).toBeNull();

    expect(await status(resolveTeamForToken(token, owner.teamSlug, "runs:read"))).toBe("ok");
    expect(await status(resolveTeamForToken(token, owner.teamSlug, "runs:create"))).toBe(403);
    expect(await status(resolveTeamForToken(token, other.teamSlug, "runs:read"))).toBe(404);
    const listed = (await listApiTokens(ctx)).find((t) => t.id === id)!;
    expect(listed.lastUsedAt).not.toBeNull();
    expect(listed).not.toHaveProperty("tokenHash");
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "api_token.created", targetId: id },
    });
    expect(audit).toMatchObject({ actorUserId: admin.id, data: { name: "CI", scopes: ["read"] } });
    expect(JSON.stringify(audit.data)).not.toContain(token);
  });

  it("revoked: refused at once, audited, and cannot be revoked twice", async () => {
    const ctx = await contextOf(owner, owner.teamSlug);
    const { token, id } = await createApiToken(ctx, { name: "deploys", scopes: ["run"], expiresIn: "never" });
    expect(await status(resolveTeamForToken(token, owner.teamSlug, "runs:create"))).toBe("ok");
    expect(await revokeApiToken(ctx, id)).toBe("deploys");
    expect(await status(resolveTeamForToken(token, owner.teamSlug, "runs:read"))).toBe(401);
    await expect(revokeApiToken(ctx, id)).rejects.toThrow(ApiTokenError);
    expect(await db.auditEvent.count({ where: { action: "api_token.revoked", targetId: id } })).toBe(1);
    const row = (await listApiTokens(ctx)).find((t) => t.id === id)!;
    expect(tokenStatus(row)).toBe("revoked");
  });

  it("another team's token can be neither listed nor revoked", async () => {
    const mine = await contextOf(owner, owner.teamSlug);
    const theirs = await createApiToken(await contextOf(other, other.teamSlug), {
      name: "theirs",
      scopes: ["read"],
      expiresIn: "7",
    });
    expect((await listApiTokens(mine)).map((t) => t.id)).not.toContain(theirs.id);
    await expect(revokeApiToken(mine, theirs.id)).rejects.toThrow("That token does not exist in this team.");
    expect(await status(resolveTeamForToken(theirs.token, other.teamSlug, "runs:read"))).toBe("ok");
  });

  it("an expired token is refused and shown as expired", async () => {
    const ctx = await contextOf(owner, owner.teamSlug);
    const { token, id } = await createApiToken(
      ctx,
      { name: "old", scopes: ["read"], expiresIn: "7" },
      new Date(Date.now() - 8 * 86_400_000),
    );
    expect(await status(resolveTeamForToken(token, owner.teamSlug, "runs:read"))).toBe(401);
    expect(tokenStatus((await listApiTokens(ctx)).find((t) => t.id === id)!)).toBe("expired");
  });
});
