import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AUDIT_PAGE_SIZE, listAuditEvents, parseAuditFilter, auditFilterChoices } from "@/lib/teams";
import { contextOf, testTeam, type TestUser } from "./test-helpers";

let owner: TestUser, admin: TestUser, other: TestUser;

describe("the audit log's filters and pages", () => {
  beforeAll(async () => {
    ({ users: [owner, admin, other] } = await testTeam("Olga", ["Adam", "ADMIN"], ["Other", null]));
    const team = await db.team.findUniqueOrThrow({ where: { slug: owner.teamSlug } });
    const rows = Array.from({ length: AUDIT_PAGE_SIZE + 5 }, (_, i) => ({
      teamId: team.id,
      actorUserId: i % 2 ? admin.id : owner.id,
      action: i % 3 ? "member.role_changed" : "invite.created",
      at: new Date(Date.UTC(2030, 0, 1 + (i % 10), 12)),
    }));
    await db.auditEvent.createMany({ data: rows });
  });
  afterAll(() => db.$disconnect());

  it("parses the URL leniently: bad values are dropped, not fatal", () => {
    expect(
      parseAuditFilter({ who: "'; drop", what: "member.removed", from: "2030-13-45", page: "-3" }),
    ).toEqual({
      what: "member.removed",
      page: 1,
    });
    expect(parseAuditFilter({ page: ["2", "9"], to: "2030-01-05" })).toEqual({ page: 2, to: "2030-01-05" });
  });

  it("filters by who, what (an action or its family) and when, and pages", async () => {
    const ctx = await contextOf(owner, owner.teamSlug);
    const all = await listAuditEvents(ctx, parseAuditFilter({}));
    expect(all.events).toHaveLength(AUDIT_PAGE_SIZE);
    expect(all.hasNext).toBe(true);
    const page2 = await listAuditEvents(ctx, parseAuditFilter({ page: "2" }));
    expect(page2.hasNext).toBe(false);
    const ids = new Set([...all.events, ...page2.events].map((e) => e.id));
    expect(ids.size).toBe(all.events.length + page2.events.length);

    const byAdmin = await listAuditEvents(ctx, parseAuditFilter({ who: admin.id }));
    expect(byAdmin.events.every((e) => e.actor?.name === "Adam")).toBe(true);
    expect(byAdmin.events.length).toBeGreaterThan(0);
    const invites = await listAuditEvents(ctx, parseAuditFilter({ what: "invite" }));
    expect(invites.events.every((e) => e.action === "invite.created")).toBe(true);
    const day = await listAuditEvents(ctx, parseAuditFilter({ from: "2030-01-03", to: "2030-01-03" }));
    expect(day.events.length).toBeGreaterThan(0);
    expect(day.events.every((e) => e.at.toISOString().startsWith("2030-01-03"))).toBe(true);
  });

  it("shows nothing of another team, even when filtered by one of its people", async () => {
    const ctx = await contextOf(other, other.teamSlug);
    const seen = await listAuditEvents(ctx, parseAuditFilter({ who: owner.id }));
    expect(seen.events).toEqual([]);
    const choices = await auditFilterChoices(ctx);
    expect(choices.people.map((p) => p.id)).toEqual([other.id]);
  });
});
