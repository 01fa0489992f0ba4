import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AccountExistsError, createAccount, signUpSchema } from "./create-account";

const meta = { ip: "203.0.113.7", userAgent: "vitest" };
const email = () => `${randomUUID()}@example.test`;

async function counts() {
  const [users, teams, memberships, audits] = await Promise.all([
    db.user.count(),
    db.team.count(),
    db.membership.count(),
    db.auditEvent.count(),
  ]);
  return { users, teams, memberships, audits };
}

describe("createAccount", () => {
  afterAll(() => db.$disconnect());

  it("creates the user, a personal team they own and audit events together", async () => {
    const address = email();
    const { userId, teamSlug } = await createAccount(
      { name: "Ada Lovelace", email: address, password: "correct horse" },
      meta,
    );
    const user = await db.user.findUniqueOrThrow({
      where: { id: userId },
      include: { memberships: { include: { team: true } } },
    });
    expect(user.email).toBe(address);
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.memberships).toHaveLength(1);
    expect(user.memberships[0]).toMatchObject({
      role: "OWNER",
      team: { slug: teamSlug, name: "Ada's team", personal: true },
    });
    const actions = await db.auditEvent.findMany({
      where: { actorUserId: userId },
      select: { action: true, ip: true, userAgent: true },
    });
    expect(actions.map((a) => a.action).sort()).toEqual(["account.created", "team.created"]);
    expect(actions.every((a) => a.ip === "203.0.113.7" && a.userAgent === "vitest")).toBe(true);
  });

  it("gives the second team with the same name its own unique slug", async () => {
    const one = await createAccount({ name: "Slugtest", email: email(), password: "correct horse" }, meta);
    const two = await createAccount({ name: "Slugtest", email: email(), password: "correct horse" }, meta);
    expect(two.teamSlug).not.toBe(one.teamSlug);
    expect(two.teamSlug).toMatch(/^slugtest-s-team/);
  });

  it("refuses a duplicate email, whatever its case, and leaves nothing half-written", async () => {
    const address = email();
    await createAccount({ name: "First", email: address, password: "correct horse" }, meta);
    const before = await counts();
    await expect(
      createAccount({ name: "Second", email: address, password: "another one" }, meta),
    ).rejects.toBeInstanceOf(AccountExistsError);
    const parsed = signUpSchema.parse({
      name: "Third",
      email: address.toUpperCase(),
      password: "another long passphrase",
    });
    await expect(createAccount(parsed, meta)).rejects.toThrow("An account with this email already exists");
    expect(await counts()).toEqual(before);
  });

  it("validation refuses over-long and malformed fields with a message for each", () => {
    const r = signUpSchema.safeParse({
      name: "n".repeat(81),
      email: `${"e".repeat(250)}@x.io`,
      password: "p".repeat(201),
    });
    expect(r.success).toBe(false);
    const fe = r.error!.flatten().fieldErrors;
    expect(fe.name).toEqual(["A name has at most 80 characters"]);
    expect(fe.email?.[0]).toBe("An email address has at most 254 characters");
    expect(fe.password).toEqual(["A password has at most 200 characters"]);
    const short = signUpSchema.safeParse({ name: " ", email: "nope", password: "short" });
    expect(short.error!.flatten().fieldErrors).toMatchObject({
      name: ["Enter your name"],
      email: ["Enter a valid email address"],
      password: ["Use at least 8 characters"],
    });
  });
});
