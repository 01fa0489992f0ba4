import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createAccount } from "@/lib/auth/create-account";
import { TeamAccessError, resolveTeamForUser, scoped, listUserTeams } from "@/lib/tenancy";

const meta = { ip: null, userAgent: null };
type U = { id: string; email: string; name: string };
let alice: U, bob: U, vera: U;
let aliceTeam: string, bobTeam: string;

async function account(name: string): Promise<[U, string]> {
  const email = `${randomUUID()}@example.test`;
  const { userId, teamSlug } = await createAccount({ name, email, password: "correct horse" }, meta);
  return [{ id: userId, email, name }, teamSlug];
}

async function refusal(p: Promise<unknown>): Promise<number> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TeamAccessError);
  return (err as TeamAccessError).status;
}

describe("the team gate", () => {
  beforeAll(async () => {
    [alice, aliceTeam] = await account("Alice");
    [bob, bobTeam] = await account("Bob");
    [vera] = await account("Vera");
    const team = await db.team.findUniqueOrThrow({ where: { slug: aliceTeam } });
    await db.membership.create({ data: { teamId: team.id, userId: vera.id, role: "VIEWER" } });
  });
  afterAll(() => db.$disconnect());

  it("lets an owner into their team with their role", async () => {
    const ctx = await resolveTeamForUser(alice, aliceTeam, "team:update");
    expect(ctx).toMatchObject({
      role: "OWNER",
      team: { slug: aliceTeam },
      user: { id: alice.id },
      tokenId: null,
    });
    expect(scoped(ctx)).toEqual({ teamId: ctx.team.id });
  });

  it("answers 404 for another team, exactly as for a team that does not exist", async () => {
    expect(await refusal(resolveTeamForUser(alice, bobTeam, "team:read"))).toBe(404);
    expect(await refusal(resolveTeamForUser(bob, aliceTeam, "team:read"))).toBe(404);
    expect(await refusal(resolveTeamForUser(alice, `no-such-team-${Date.now()}`, "team:read"))).toBe(404);
    expect(await refusal(resolveTeamForUser(alice, "../Not A Slug", "team:read"))).toBe(404);
  });

  it("lets a viewer read but answers 403 for running, managing or reading the audit log", async () => {
    await expect(resolveTeamForUser(vera, aliceTeam, "runs:read")).resolves.toMatchObject({ role: "VIEWER" });
    for (const p of ["runs:create", "team:update", "clusters:manage", "audit:read"] as const) {
      expect(await refusal(resolveTeamForUser(vera, aliceTeam, p))).toBe(403);
    }
  });

  it("stops letting a removed member in", async () => {
    const team = await db.team.findUniqueOrThrow({ where: { slug: aliceTeam } });
    const [carl] = await account("Carl");
    await db.membership.create({ data: { teamId: team.id, userId: carl.id, role: "ADMIN" } });
    await expect(resolveTeamForUser(carl, aliceTeam, "members:manage")).resolves.toMatchObject({
      role: "ADMIN",
    });
    await db.membership.delete({ where: { teamId_userId: { teamId: team.id, userId: carl.id } } });
    expect(await refusal(resolveTeamForUser(carl, aliceTeam, "team:read"))).toBe(404);
  });

  it("scoped queries see only the context's team", async () => {
    const ctx = await resolveTeamForUser(bob, bobTeam, "team:read");
    const members = await db.membership.findMany({ where: scoped(ctx), select: { userId: true } });
    expect(members.map((m) => m.userId)).toEqual([bob.id]);
    const teams = await listUserTeams(vera.id);
    expect(teams.map((t) => [t.team.slug, t.role])).toContainEqual([aliceTeam, "VIEWER"]);
  });
});
