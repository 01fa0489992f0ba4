import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

let cached: string | undefined;

/**
 * The key that signs session tokens. Production requires NEXTAUTH_SECRET; elsewhere a random
 * secret is generated once and kept in .data/auth-secret, so sessions survive restarts.
 */
export function authSecret(): string {
  if (cached) return cached;
  const fromEnv = env().NEXTAUTH_SECRET;
  if (fromEnv) return (cached = fromEnv);
  if (process.env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build") {
    throw new Error("Invalid environment:\n  NEXTAUTH_SECRET: required in production (32+ characters)");
  }
  const file = path.join(process.cwd(), ".data", "auth-secret");
  try {
    cached = readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    cached = randomBytes(32).toString("base64url");
    writeFileSync(file, cached, { mode: 0o600 });
  }
  return cached;
}
