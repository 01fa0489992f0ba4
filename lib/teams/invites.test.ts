import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/crypto";
import {
  acceptInvite,
  createInvite,
  listOpenInvites,
  previewInvite,
  revokeInvite,
} from "@/lib/teams";
import { auditActions, contextOf, roleIn, teamRuleRefusal, testAccount, testTeam, type TestUser } from "./test-helpers";

let owner: TestUser, admin: TestUser, guest: TestUser;
let slug: string;

describe("invitation links", () => {
  beforeEach(async () => {
    ({ slug, users: [owner, admin, guest] } = await testTeam("Olga", ["Adam", "ADMIN"], ["Gina", null]));
  });
  afterAll(() => db.$disconnect());

  it("stores only the token's hash; the link shows team and role; accepting joins once", async () => {
    const { token, expiresAt } = await createInvite(await contextOf(admin, slug), {
      role: "VIEWER",
      expiresInDays: 7,
    });
    expect(token).toMatch(/^inv_[A-Za-z0-9_-]{43}$/);
    const row = await db.invite.findFirstOrThrow({ where: { team: { slug } } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    expect(expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(6.9 * 86_400_000);

    expect(await previewInvite(token)).toMatchObject({ status: "open", role: "VIEWER", invitedBy: "Adam" });
    expect(await acceptInvite(guest, token)).toEqual({ slug, alreadyMember: false });
    expect(await roleIn(slug, guest)).toBe("VIEWER");
    expect(await previewInvite(token)).toMatchObject({ status: "used" });
    // One use only: a second person with the same link is refused.
    const late = await testAccount("Late");
    expect(await teamRuleRefusal(acceptInvite(late, token))).toMatch(/already been used/);
    expect(await roleIn(slug, late)).toBeNull();
    expect(await auditActions(slug)).toEqual(["invite.created", "member.joined"]);
    const joined = await db.auditEvent.findFirstOrThrow({
      where: { team: { slug }, action: "member.joined" },
    });
    expect(joined).toMatchObject({ actorUserId: guest.id, data: { role: "VIEWER", user: guest.email } });
  });

  it("refuses expired, revoked and unknown links with a message and adds nobody", async () => {
    const ctx = await contextOf(owner, slug);
    const old = await createInvite(
      ctx,
      { role: "MEMBER", expiresInDays: 1 },
      new Date(Date.now() - 2 * 86_400_000),
    );
    expect(await teamRuleRefusal(acceptInvite(guest, old.token))).toBe(
      "This invitation has expired. Ask the team for a new link.",
    );
    const revoked = await createInvite(ctx, { role: "MEMBER", expiresInDays: 7 });
    const inv = await db.invite.findUniqueOrThrow({ where: { tokenHash: hashToken(revoked.token) } });
    expect((await listOpenInvites(ctx)).map((i) => i.id)).toContain(inv.id);
    await revokeInvite(ctx, inv.id);
    expect((await listOpenInvites(ctx)).map((i) => i.id)).not.toContain(inv.id);
    expect(await teamRuleRefusal(acceptInvite(guest, revoked.token))).toMatch(/withdrawn/);
    expect(await teamRuleRefusal(acceptInvite(guest, "inv_" + "x".repeat(43)))).toMatch(/not valid/);
    expect(await teamRuleRefusal(acceptInvite(guest, "../../etc"))).toMatch(/not valid/);
    expect(await roleIn(slug, guest)).toBeNull();
    expect(await teamRuleRefusal(revokeInvite(ctx, inv.id))).toMatch(/no longer open/);
  });

  it("someone already in the team keeps their role and the link stays unused", async () => {
    const { token } = await createInvite(await contextOf(owner, slug), { role: "VIEWER", expiresInDays: 1 });
    expect(await acceptInvite(admin, token)).toEqual({ slug, alreadyMember: true });
    expect(await roleIn(slug, admin)).toBe("ADMIN");
    expect(await previewInvite(token)).toMatchObject({ status: "open" });
  });

  it("guests must make an account first; another team's invite cannot be revoked from here", async () => {
    const { token } = await createInvite(await contextOf(owner, slug), { role: "MEMBER", expiresInDays: 1 });
    expect(await teamRuleRefusal(acceptInvite({ ...guest, isGuest: true }, token))).toMatch(/Create an account/);
    const other = await testAccount("Other");
    const foreign = await createInvite(await contextOf(other, other.teamSlug), {
      role: "MEMBER",
      expiresInDays: 1,
    });
    const foreignRow = await db.invite.findUniqueOrThrow({ where: { tokenHash: hashToken(foreign.token) } });
    expect(await teamRuleRefusal(revokeInvite(await contextOf(owner, slug), foreignRow.id))).toMatch(
      /no longer open/,
    );
    expect(await previewInvite(foreign.token)).toMatchObject({ status: "open" });
  });

  it("two people racing for one link: exactly one joins", async () => {
    const { token } = await createInvite(await contextOf(owner, slug), { role: "MEMBER", expiresInDays: 1 });
    const a = await testAccount("A");
    const b = await testAccount("B");
    const results = await Promise.allSettled([acceptInvite(a, token), acceptInvite(b, token)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { team: { slug }, userId: { in: [a.id, b.id] } } })).toBe(1);
  });
});
