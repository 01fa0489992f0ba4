// Shared by the tests of lib/teams and lib/api-tokens: real accounts and teams in the test
// database, and a team context resolved through the real gate.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { db, type Role } from "@/lib/db";
import { createAccount } from "@/lib/auth/create-account";
import { resolveTeamForUser, type TeamContext } from "@/lib/tenancy";
import { TeamRuleError } from "./errors";

export type TestUser = { id: string; email: string; name: string; teamSlug: string };

/** A new account with its personal team. */
export async function testAccount(name: string): Promise<TestUser> {
  const email = `${randomUUID()}@example.test`;
  const { userId, teamSlug } = await createAccount(
    { name, email, password: "correct horse" },
    { ip: null, userAgent: null },
  );
  return { id: userId, email, name, teamSlug };
}

/** Puts a user into a team with a role, as an accepted invitation would; returns the membership id. */
export async function addMember(slug: string, user: TestUser, role: Role): Promise<string> {
  const team = await db.team.findUniqueOrThrow({ where: { slug } });
  const m = await db.membership.create({ data: { teamId: team.id, userId: user.id, role } });
  return m.id;
}

/**
 * A new account's team and more new accounts, each added with its role (null: an outsider).
 * The users come back in the order given, the owner first.
 */
export async function testTeam<const Others extends readonly (readonly [name: string, role: Role | null])[]>(
  ownerName: string,
  ...others: Others
): Promise<{ slug: string; users: [TestUser, ...{ [K in keyof Others]: TestUser }] }> {
  const owner = await testAccount(ownerName);
  const added: TestUser[] = [];
  for (const [name, role] of others) {
    const user = await testAccount(name);
    if (role) await addMember(owner.teamSlug, user, role);
    added.push(user);
  }
  return { slug: owner.teamSlug, users: [owner, ...(added as { [K in keyof Others]: TestUser })] };
}

/** The message of the TeamRuleError the promise rejects with (fails the test on anything else). */
export async function teamRuleRefusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TeamRuleError);
  return (err as TeamRuleError).message;
}

/** The user's context in a team, through resolveTeamForUser (team:read). */
export function contextOf(user: TestUser, slug: string): Promise<TeamContext> {
  return resolveTeamForUser(user, slug, "team:read");
}

export async function membershipId(slug: string, user: TestUser): Promise<string> {
  const m = await db.membership.findFirstOrThrow({ where: { team: { slug }, userId: user.id } });
  return m.id;
}

export async function roleIn(slug: string, user: TestUser): Promise<Role | null> {
  const m = await db.membership.findFirst({ where: { team: { slug }, userId: user.id } });
  return m?.role ?? null;
}

/** The audit actions recorded for a team since it was created (with its account), oldest first. */
export async function auditActions(slug: string): Promise<string[]> {
  const rows = await db.auditEvent.findMany({
    where: { team: { slug }, action: { notIn: ["account.created", "team.created"] } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => r.action);
}
