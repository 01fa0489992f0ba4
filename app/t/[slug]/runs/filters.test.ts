import { describe, expect, it } from "vitest";
import { filterQuery, filterWhere, parseRunFilters } from "./filters";

describe("Executed page filters", () => {
  it("reads every filter from the query and builds the where clause and the page links", () => {
    const f = parseRunFilters({ cluster: "c1", action: "pod-kill", outcome: "ROLLED_BACK", who: "u1", from: "2026-11-01", to: "2026-11-02", page: "3" });
    expect(f).toEqual({ cluster: "c1", action: "pod-kill", outcome: "ROLLED_BACK", who: "u1", from: "2026-11-01", to: "2026-11-02", page: 3 });
    expect(filterWhere(f)).toEqual({
      clusterId: "c1",
      actionId: "pod-kill",
      state: "ROLLED_BACK",
      createdById: "u1",
      // "to" includes the whole day.
      queuedAt: { gte: new Date("2026-11-01T00:00:00Z"), lt: new Date("2026-11-03T00:00:00Z") },
    });
    expect(filterQuery(f, 4)).toBe("?cluster=c1&action=pod-kill&outcome=ROLLED_BACK&who=u1&from=2026-11-01&to=2026-11-02&page=4");
    expect(filterQuery(f, 1)).not.toContain("page=");
  });

  it("ignores malformed values instead of failing the page", () => {
    const f = parseRunFilters({ outcome: "EXPLODED", from: "yesterday", to: "2026-13-45", page: "-2", cluster: ["a", "b"], who: "" });
    expect(f).toEqual({ cluster: "a", page: 1, action: undefined, outcome: undefined, who: undefined, from: undefined, to: undefined });
    expect(filterWhere(f)).toEqual({ clusterId: "a" });
    expect(filterQuery(parseRunFilters({}), 1)).toBe("");
  });
});
