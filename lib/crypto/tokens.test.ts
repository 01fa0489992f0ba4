import { describe, expect, it } from "vitest";
import { generateToken, hashToken, isTokenOf, safeEqual, verifyToken } from "./tokens";

describe("tokens", () => {
  it("are prefixed, base64url, 256 random bits, and distinct", () => {
    const t = generateToken("pst");
    expect(t).toMatch(/^pst_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t.slice(4), "base64url")).toHaveLength(32);
    expect(new Set(Array.from({ length: 200 }, () => generateToken("shr"))).size).toBe(200);
  });

  it("are stored as SHA-256 and verified in constant time", () => {
    const t = generateToken("inv");
    const stored = hashToken(t);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(t.slice(4, 20));
    expect(verifyToken(t, stored)).toBe(true);
    expect(verifyToken(generateToken("inv"), stored)).toBe(false);
    expect(safeEqual("a", "ab")).toBe(false);
  });

  it("filters by shape before any lookup", () => {
    expect(isTokenOf("pst", generateToken("pst"))).toBe(true);
    expect(isTokenOf("pst", generateToken("shr"))).toBe(false);
    expect(isTokenOf("pst", "pst_short")).toBe(false);
  });
});
