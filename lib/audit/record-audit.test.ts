import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createAccount } from "@/lib/auth/create-account";
import { resolveTeamForUser } from "@/lib/tenancy";
import { renameTeam } from "@/lib/teams/rename-team";
import { recordAudit } from "./index";

describe("recordAudit", () => {
  afterAll(() => db.$disconnect());

  it("stores actor, team, target, data, address and user agent", async () => {
    const action = `test.${randomUUID()}`;
    await recordAudit({
      action,
      targetType: "thing",
      targetId: "t1",
      data: { a: 1 },
      meta: { ip: "192.0.2.1", userAgent: "ua" },
    });
    const row = await db.auditEvent.findFirstOrThrow({ where: { action } });
    expect(row).toMatchObject({
      teamId: null,
      actorUserId: null,
      targetType: "thing",
      targetId: "t1",
      data: { a: 1 },
      ip: "192.0.2.1",
      userAgent: "ua",
    });
  });

  it("outside a request records no address rather than failing", async () => {
    const action = `test.${randomUUID()}`;
    await recordAudit({ action });
    expect(await db.auditEvent.findFirstOrThrow({ where: { action } })).toMatchObject({
      ip: null,
      userAgent: null,
    });
  });

  it("is written with the change in one transaction: a failed change leaves no event", async () => {
    const action = `test.${randomUUID()}`;
    await expect(
      db.$transaction(async (tx) => {
        await recordAudit({ action, meta: { ip: null, userAgent: null } }, tx);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.auditEvent.count({ where: { action } })).toBe(0);
  });

  it("a team rename records who renamed it, from what to what", async () => {
    const email = `${randomUUID()}@example.test`;
    const { userId, teamSlug } = await createAccount(
      { name: "Renamer", email, password: "correct horse" },
      { ip: null, userAgent: null },
    );
    const ctx = await resolveTeamForUser({ id: userId, email, name: "Renamer" }, teamSlug, "team:update");
    await renameTeam(ctx, "Chaos Crew");
    expect(await db.team.findUniqueOrThrow({ where: { slug: teamSlug } })).toMatchObject({
      name: "Chaos Crew",
    });
    const row = await db.auditEvent.findFirstOrThrow({
      where: { action: "team.renamed", teamId: ctx.team.id },
    });
    expect(row).toMatchObject({
      actorUserId: userId,
      targetType: "team",
      data: { from: "Renamer's team", to: "Chaos Crew" },
    });
  });
});
