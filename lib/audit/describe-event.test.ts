import { describe, expect, it } from "vitest";
import { describeAuditAction, describeAuditData } from "./describe-event";

describe("the audit log's wording", () => {
  it("says what happened in a sentence, and shows an unknown action as recorded", () => {
    expect(describeAuditAction("member.role_changed")).toBe("Changed a member's role");
    expect(describeAuditAction("something.new")).toBe("something.new");
  });

  it("labels the data, hides ids and reads enum values as words", () => {
    expect(describeAuditData({ user: "a@example.com", from: "VIEWER", to: "ADMIN", shareLinkId: "ck123", stateBefore: "RUNNING" })).toEqual([
      { label: "user", value: "a@example.com" },
      { label: "from", value: "viewer" },
      { label: "to", value: "admin" },
      { label: "state before", value: "running" },
    ]);
    expect(describeAuditData({ added: [], expiredAt: "2026-12-07T09:30:00.000Z", slowed: true })).toEqual([
      { label: "added", value: "none" },
      { label: "expired", value: "2026-12-07 09:30 UTC" },
    ]);
    expect(describeAuditData(null)).toEqual([]);
  });
});
