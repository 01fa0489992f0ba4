import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createAccount } from "@/lib/auth/create-account";
import { generateToken, hashToken } from "@/lib/crypto";
import { withTeamRoute } from "@/lib/tenancy";

let slug: string, otherSlug: string, teamId: string, userId: string;

// GET /api/v1/t/[slug]/whoami — a route used only by this test.
const whoami = withTeamRoute(
  async (_req, ctx) => Response.json({ team: ctx.team.slug, role: ctx.role, tokenId: ctx.tokenId }),
  {
    permission: "runs:read",
  },
);
const start = withTeamRoute(async () => Response.json({ ok: true }), { permission: "runs:create" });

async function token(data: { scopes: string[]; expiresAt?: Date; revokedAt?: Date; createdById?: string }) {
  const t = generateToken("pst");
  await db.apiToken.create({
    data: {
      teamId,
      name: "ci",
      prefix: t.slice(0, 8),
      tokenHash: hashToken(t),
      createdById: userId,
      ...data,
    },
  });
  return t;
}

function call(route: typeof whoami, s: string, bearer?: string) {
  const req = new NextRequest(`http://localhost/api/v1/t/${s}/whoami`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  return route(req, { params: Promise.resolve({ slug: s }) });
}

describe("withTeamRoute with API tokens", () => {
  beforeAll(async () => {
    const a = await createAccount(
      { name: "Tok", email: `${randomUUID()}@example.test`, password: "correct horse" },
      { ip: null, userAgent: null },
    );
    const b = await createAccount(
      { name: "Other", email: `${randomUUID()}@example.test`, password: "correct horse" },
      { ip: null, userAgent: null },
    );
    ({ userId, teamSlug: slug } = a);
    otherSlug = b.teamSlug;
    teamId = (await db.team.findUniqueOrThrow({ where: { slug } })).id;
  });
  afterAll(() => db.$disconnect());

  it("accepts a live token for its own team and records its use", async () => {
    const t = await token({ scopes: ["read"] });
    const res = await call(whoami, slug, t);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ team: slug, role: "OWNER" });
    const row = await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(t) } });
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("answers 404 for another team's URL, 403 beyond the scopes, 401 for unknown, revoked or expired tokens", async () => {
    const read = await token({ scopes: ["read"] });
    expect((await call(whoami, otherSlug, read)).status).toBe(404);
    expect((await call(start, slug, read)).status).toBe(403);
    expect((await call(start, slug, await token({ scopes: ["run"] }))).status).toBe(200);
    expect((await call(whoami, slug, generateToken("pst"))).status).toBe(401);
    expect((await call(whoami, slug, await token({ scopes: ["read"], revokedAt: new Date() }))).status).toBe(
      401,
    );
    expect(
      (await call(whoami, slug, await token({ scopes: ["read"], expiresAt: new Date(Date.now() - 1000) })))
        .status,
    ).toBe(401);
    const body = await (await call(whoami, otherSlug, read)).json();
    expect(body).toEqual({ error: { code: "not_found", message: "Team not found." } });
  });

  it("never grants more than the creator's current role", async () => {
    const t = await token({ scopes: ["run"] });
    await db.membership.update({ where: { teamId_userId: { teamId, userId } }, data: { role: "VIEWER" } });
    try {
      expect((await call(start, slug, t)).status).toBe(403);
      expect((await call(whoami, slug, t)).status).toBe(200);
    } finally {
      await db.membership.update({ where: { teamId_userId: { teamId, userId } }, data: { role: "OWNER" } });
    }
  });
});
