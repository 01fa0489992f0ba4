import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

describe("authSecret outside production without NEXTAUTH_SECRET", () => {
  it("generates a random secret once, keeps it in .data/auth-secret (owner-only), and reuses it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pystol-secret-"));
    const before = process.cwd();
    delete process.env.NEXTAUTH_SECRET;
    process.chdir(dir);
    try {
      const { authSecret } = await import("./secret");
      const secret = authSecret();
      const file = path.join(dir, ".data", "auth-secret");
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(readFileSync(file, "utf8")).toBe(secret);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(authSecret()).toBe(secret);
    } finally {
      process.chdir(before);
    }
  });
});
