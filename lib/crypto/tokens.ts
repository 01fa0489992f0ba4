import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A new secret token: 256 random bits, base64url, behind a readable prefix ("pst_…" for API
 * tokens, "shr_…" for share links, "inv_…" for invites). Shown once; store only its hash.
 */
export function generateToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** The stored form of a token: SHA-256, hex. Lookups go by this hash, never the token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Compares two strings in constant time (for secrets compared outside the database). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Whether `value` has the shape `generateToken(prefix)` makes; a cheap filter before a lookup. */
export function isTokenOf(prefix: string, value: string): boolean {
  return value.startsWith(`${prefix}_`) && /^[A-Za-z0-9_-]{43}$/.test(value.slice(prefix.length + 1));
}

/** Checks a presented token against a stored `hashToken` value in constant time. */
export function verifyToken(token: string, storedHash: string): boolean {
  return safeEqual(hashToken(token), storedHash);
}
