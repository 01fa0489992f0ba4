import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createApiToken } from "@/lib/api-tokens";
import { hashToken } from "@/lib/crypto";
import { resolveTeamForToken, TeamAccessError } from "@/lib/tenancy";
import { acceptInvite, changeMemberRole, createInvite, leaveTeam, previewInvite, removeMember } from "@/lib/teams";
import { addMember, auditActions, contextOf, membershipId, roleIn, teamRuleRefusal, testTeam, type TestUser } from "./test-helpers";

let owner: TestUser, admin: TestUser, guest: TestUser;
let slug: string;

/** What an admin hands out before losing their place: an ADMIN invitation and a run token. */
async function grantsOf(user: TestUser) {
  const ctx = await contextOf(user, slug);
  const invite = await createInvite(ctx, { role: "ADMIN", expiresInDays: 7 });
  const { token } = await createApiToken(ctx, { name: "ci", scopes: ["run"], expiresIn: "never" });
  return { invite: invite.token, token };
}

async function tokenStatus(token: string): Promise<number> {
  const err = await resolveTeamForToken(token, slug, "runs:create").then(
    () => null,
    (e: unknown) => e,
  );
  if (err === null) return 200;
  expect(err).toBeInstanceOf(TeamAccessError);
  return (err as TeamAccessError).status;
}

describe("a member who loses their place loses what they handed out", () => {
  beforeEach(async () => {
    ({ slug, users: [owner, admin, guest] } = await testTeam("Olga", ["Adam", "ADMIN"], ["Gina", null]));
  });
  afterAll(() => db.$disconnect());

  it("a removed admin cannot come back through their own invite, and their token stays dead after rejoining", async () => {
    const { invite, token } = await grantsOf(admin);
    expect(await tokenStatus(token)).toBe(200);

    await removeMember(await contextOf(owner, slug), await membershipId(slug, admin));
    expect(await auditActions(slug)).toEqual(["invite.created", "api_token.created", "member.removed", "member.grants_revoked"]);
    const ev = await db.auditEvent.findFirstOrThrow({ where: { team: { slug }, action: "member.grants_revoked" } });
    expect(ev).toMatchObject({ actorUserId: owner.id, data: { user: admin.email, reason: "removed", invites: 1, tokens: 1 } });

    expect(await previewInvite(invite)).toMatchObject({ status: "revoked" });
    expect(await teamRuleRefusal(acceptInvite(admin, invite))).toMatch(/withdrawn/);
    expect(await roleIn(slug, admin)).toBeNull();
    // Even when the team takes them back later, the old token does not answer.
    await addMember(slug, admin, "ADMIN");
    expect(await tokenStatus(token)).toBe(401);
  });

  it("lowering a role revokes the person's invitations and tokens; raising it does not", async () => {
    const ctx = await contextOf(owner, slug);
    const { invite, token } = await grantsOf(admin);
    await changeMemberRole(ctx, await membershipId(slug, admin), "OWNER");
    expect(await tokenStatus(token)).toBe(200);
    expect(await previewInvite(invite)).toMatchObject({ status: "open" });

    await changeMemberRole(ctx, await membershipId(slug, admin), "MEMBER");
    expect(await tokenStatus(token)).toBe(401);
    expect(await teamRuleRefusal(acceptInvite(guest, invite))).toMatch(/withdrawn/);
    expect(await roleIn(slug, guest)).toBeNull();
    const ev = await db.auditEvent.findFirstOrThrow({ where: { team: { slug }, action: "member.grants_revoked" } });
    expect(ev.data).toMatchObject({ reason: "role_lowered", invites: 1, tokens: 1 });
  });

  it("leaving the team revokes the leaver's invitations and tokens", async () => {
    const { invite, token } = await grantsOf(admin);
    await leaveTeam(await contextOf(admin, slug));
    expect(await previewInvite(invite)).toMatchObject({ status: "revoked" });
    await addMember(slug, admin, "ADMIN");
    expect(await tokenStatus(token)).toBe(401);
  });

  it("an invitation carries its creator's authority when it is used, not when it was made", async () => {
    const { invite } = await grantsOf(admin);
    // The creator lost the role by a path that revoked nothing (a change made before revocation
    // existed, or directly in the database): the link is still open, and still refused.
    await db.membership.update({ where: { id: await membershipId(slug, admin) }, data: { role: "MEMBER" } });
    expect(await previewInvite(invite)).toMatchObject({ status: "open" });
    expect(await teamRuleRefusal(acceptInvite(guest, invite))).toBe(
      "The person who sent this invitation can no longer add members with this role. Ask a current owner or admin of the team for a new link.",
    );
    await db.membership.delete({ where: { id: await membershipId(slug, admin) } });
    expect(await teamRuleRefusal(acceptInvite(guest, invite))).toMatch(/can no longer add members/);
    expect(await roleIn(slug, guest)).toBeNull();
    expect(await previewInvite(invite)).toMatchObject({ status: "open" });

    // An admin who still is one: their link works.
    await addMember(slug, admin, "ADMIN");
    expect(await acceptInvite(guest, invite)).toEqual({ slug, alreadyMember: false });
    expect(await roleIn(slug, guest)).toBe("ADMIN");
  });

  it("only the removed person's grants go; the owner's own invitation still works", async () => {
    const ownInvite = await createInvite(await contextOf(owner, slug), { role: "MEMBER", expiresInDays: 7 });
    await grantsOf(admin);
    await removeMember(await contextOf(owner, slug), await membershipId(slug, admin));
    expect(await acceptInvite(guest, ownInvite.token)).toEqual({ slug, alreadyMember: false });
    const open = await db.invite.count({ where: { tokenHash: hashToken(ownInvite.token), revokedAt: null } });
    expect(open).toBe(1);
  });
});
