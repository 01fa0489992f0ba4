import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLE_PERMISSIONS, roleAllows } from "./permissions";

describe("role permissions", () => {
  it("viewers only read", () => {
    expect([...ROLE_PERMISSIONS.VIEWER].sort()).toEqual(["clusters:read", "runs:read", "team:read"]);
    expect([...ROLE_PERMISSIONS.VIEWER].every((p) => p.endsWith(":read"))).toBe(true);
  });

  it("members run, abort and share, but manage nothing", () => {
    for (const p of ["runs:create", "runs:abort", "share:manage"] as const)
      expect(roleAllows("MEMBER", p)).toBe(true);
    for (const p of [
      "team:update",
      "members:manage",
      "clusters:manage",
      "tokens:manage",
      "audit:read",
    ] as const) {
      expect(roleAllows("MEMBER", p)).toBe(false);
    }
  });

  it("admins manage the team, clusters, members and tokens, but cannot delete the team", () => {
    for (const p of [
      "team:update",
      "members:manage",
      "clusters:manage",
      "tokens:manage",
      "audit:read",
    ] as const) {
      expect(roleAllows("ADMIN", p)).toBe(true);
    }
    expect(roleAllows("ADMIN", "team:delete")).toBe(false);
  });

  it("owners can do everything, and each role includes the one below it", () => {
    expect([...ROLE_PERMISSIONS.OWNER].sort()).toEqual([...PERMISSIONS].sort());
    const order = ["VIEWER", "MEMBER", "ADMIN", "OWNER"] as const;
    for (let i = 1; i < order.length; i++) {
      for (const p of ROLE_PERMISSIONS[order[i - 1]!]) expect(roleAllows(order[i]!, p)).toBe(true);
    }
  });
});
