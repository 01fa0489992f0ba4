import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { changeMemberRole, leaveTeam, removeMember, transferOwnership } from "@/lib/teams";
import {
  addMember,
  auditActions,
  contextOf,
  membershipId,
  roleIn,
  teamRuleRefusal,
  testTeam,
  type TestUser,
} from "./test-helpers";

let owner: TestUser, admin: TestUser, member: TestUser, viewer: TestUser, outsider: TestUser;
let slug: string;

describe("membership changes", () => {
  beforeEach(async () => {
    ({
      slug,
      users: [owner, admin, member, viewer, outsider],
    } = await testTeam(
      "Olga Owner",
      ["Adam Admin", "ADMIN"],
      ["Mia Member", "MEMBER"],
      ["Vic Viewer", "VIEWER"],
      ["Otto Outsider", null],
    ));
  });
  afterAll(() => db.$disconnect());

  it("an admin changes a member's role and removes a viewer; each change is audited", async () => {
    const ctx = await contextOf(admin, slug);
    expect(await changeMemberRole(ctx, await membershipId(slug, member), "VIEWER")).toBe(
      "Mia Member is now viewer.",
    );
    expect(await roleIn(slug, member)).toBe("VIEWER");
    expect(await removeMember(ctx, await membershipId(slug, viewer))).toMatch(/removed/);
    expect(await roleIn(slug, viewer)).toBeNull();
    expect(await auditActions(slug)).toEqual(["member.role_changed", "member.removed"]);
    const ev = await db.auditEvent.findFirstOrThrow({
      where: { team: { slug }, action: "member.role_changed" },
    });
    expect(ev).toMatchObject({
      actorUserId: admin.id,
      data: { from: "MEMBER", to: "VIEWER", user: member.email },
    });
  });

  it("admins cannot touch owners nor make one; nobody changes their own role", async () => {
    const ctx = await contextOf(admin, slug);
    const ownerId = await membershipId(slug, owner);
    expect(await teamRuleRefusal(changeMemberRole(ctx, ownerId, "MEMBER"))).toBe(
      "Only an owner can change or remove an owner.",
    );
    expect(await teamRuleRefusal(removeMember(ctx, ownerId))).toBe("Only an owner can change or remove an owner.");
    expect(await teamRuleRefusal(changeMemberRole(ctx, await membershipId(slug, member), "OWNER"))).toBe(
      "Only an owner can make someone an owner.",
    );
    expect(await teamRuleRefusal(changeMemberRole(ctx, await membershipId(slug, admin), "OWNER"))).toMatch(
      /cannot change your own role/,
    );
    expect(await teamRuleRefusal(removeMember(ctx, await membershipId(slug, admin)))).toMatch(/Leave team/);
    expect(await roleIn(slug, owner)).toBe("OWNER");
    expect(await auditActions(slug)).toEqual([]);
  });

  it("a membership of another team answers like a missing one and changes nothing", async () => {
    const ctx = await contextOf(owner, slug);
    const foreign = await membershipId(outsider.teamSlug, outsider);
    const err = await removeMember(ctx, foreign).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "not_found", message: "That person is not a member of this team." });
    expect(await teamRuleRefusal(changeMemberRole(ctx, foreign, "VIEWER"))).toMatch(/not a member/);
    expect(await teamRuleRefusal(transferOwnership(ctx, foreign))).toMatch(/not a member/);
    expect(await roleIn(outsider.teamSlug, outsider)).toBe("OWNER");
  });

  it("the last owner cannot leave or be demoted; with a second owner they can", async () => {
    const ctx = await contextOf(owner, slug);
    expect(await teamRuleRefusal(leaveTeam(ctx))).toMatch(/only owner/);
    expect(await roleIn(slug, owner)).toBe("OWNER");
    await changeMemberRole(ctx, await membershipId(slug, admin), "OWNER");
    // Now two owners: the other owner may demote Olga, but then Adam is the last one.
    const adamCtx = await contextOf(admin, slug);
    await changeMemberRole(adamCtx, await membershipId(slug, owner), "ADMIN");
    expect(await teamRuleRefusal(leaveTeam(adamCtx))).toMatch(/only owner/);
    await changeMemberRole(adamCtx, await membershipId(slug, owner), "OWNER");
    await leaveTeam(await contextOf(owner, slug));
    expect(await roleIn(slug, owner)).toBeNull();
    expect((await auditActions(slug)).slice(-1)).toEqual(["member.left"]);
  });

  it("two owners demoting each other at the same time leave one owner", async () => {
    await addMember(slug, outsider, "OWNER");
    const [a, b] = [await contextOf(owner, slug), await contextOf(outsider, slug)];
    const results = await Promise.allSettled([
      changeMemberRole(a, await membershipId(slug, outsider), "ADMIN"),
      changeMemberRole(b, await membershipId(slug, owner), "ADMIN"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { team: { slug }, role: "OWNER" } })).toBe(1);
  });

  it("any member may leave; a viewer's leaving is audited", async () => {
    await leaveTeam(await contextOf(viewer, slug));
    expect(await roleIn(slug, viewer)).toBeNull();
    const ev = await db.auditEvent.findFirstOrThrow({ where: { team: { slug }, action: "member.left" } });
    expect(ev).toMatchObject({ actorUserId: viewer.id, data: { role: "VIEWER" } });
  });

  it("an owner transfers ownership: the new owner owns, the old one is admin", async () => {
    expect(
      await teamRuleRefusal(transferOwnership(await contextOf(admin, slug), await membershipId(slug, member))),
    ).toBe("Only an owner can transfer ownership.");
    const msg = await transferOwnership(await contextOf(owner, slug), await membershipId(slug, member));
    expect(msg).toBe("Mia Member now owns the team; you are an admin.");
    expect(await roleIn(slug, member)).toBe("OWNER");
    expect(await roleIn(slug, owner)).toBe("ADMIN");
    expect((await auditActions(slug)).slice(-1)).toEqual(["team.ownership_transferred"]);
    // Olga, now an admin, can leave; Mia, the only owner, cannot.
    expect(await teamRuleRefusal(leaveTeam(await contextOf(member, slug)))).toMatch(/only owner/);
  });

  it("API tokens cannot change memberships", async () => {
    const ctx = { ...(await contextOf(owner, slug)), tokenId: "tok" };
    expect(await teamRuleRefusal(removeMember(ctx, await membershipId(slug, viewer)))).toMatch(/signed-in person/);
  });
});
