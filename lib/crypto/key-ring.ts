import { createHash } from "node:crypto";
import { createLogger } from "@/lib/log";

/** The keys that can open sealed data, and the one that seals new data. */
export interface KeyRing {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
const DEV_KID = "dev";

/**
 * Builds a key ring from `kid:base64` entries (each key exactly 32 bytes). Errors name the
 * entry by its key id or position, never by its key material.
 */
export function parseKeyRing(keysText: string, currentId?: string): KeyRing {
  const keys = new Map<string, Buffer>();
  keysText
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, i) => {
      const sep = entry.indexOf(":");
      const kid = sep > 0 ? entry.slice(0, sep) : "";
      if (!KID.test(kid))
        throw new Error(`PYSTOL_ENCRYPTION_KEYS: entry ${i + 1} must look like <kid>:<base64 key>`);
      const material = entry.slice(sep + 1);
      const key = Buffer.from(material, "base64");
      if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(material)) {
        throw new Error(`PYSTOL_ENCRYPTION_KEYS: key "${kid}" must be 32 bytes, base64-encoded`);
      }
      if (keys.has(kid)) throw new Error(`PYSTOL_ENCRYPTION_KEYS: key id "${kid}" appears twice`);
      keys.set(kid, key);
    });
  if (keys.size === 0) throw new Error("PYSTOL_ENCRYPTION_KEYS holds no key");
  const current = currentId || (keys.size === 1 ? [...keys.keys()][0]! : "");
  if (!current) throw new Error("PYSTOL_ENCRYPTION_KEY_ID must name the current key when there are several");
  if (!keys.has(current))
    throw new Error(`PYSTOL_ENCRYPTION_KEY_ID "${current}" is not in PYSTOL_ENCRYPTION_KEYS`);
  return { currentId: current, keys };
}

let cached: { source: string; ring: KeyRing } | undefined;
let warned = false;

/**
 * The key ring from `PYSTOL_ENCRYPTION_KEYS` and `PYSTOL_ENCRYPTION_KEY_ID`. Outside
 * production, with no keys set, a fixed development key is used and a warning says so;
 * in production a missing key is an error at first use.
 */
export function keyRingFromEnv(env: Record<string, string | undefined> = process.env): KeyRing {
  const keysText = env.PYSTOL_ENCRYPTION_KEYS ?? "";
  const currentId = env.PYSTOL_ENCRYPTION_KEY_ID ?? "";
  const source = `${keysText}|${currentId}|${env.NODE_ENV ?? ""}`;
  if (cached?.source === source) return cached.ring;
  let ring: KeyRing;
  if (keysText.trim()) {
    ring = parseKeyRing(keysText, currentId);
  } else if (env.NODE_ENV === "production") {
    throw new Error(
      "PYSTOL_ENCRYPTION_KEYS is required in production (comma-separated <kid>:<base64 32-byte key>)",
    );
  } else {
    if (!warned) {
      createLogger("crypto").warn(
        "PYSTOL_ENCRYPTION_KEYS is not set: secrets are sealed with a fixed development key that protects nothing",
      );
      warned = true;
    }
    const key = createHash("sha256").update("pystol development key - not for production").digest();
    ring = { currentId: DEV_KID, keys: new Map([[DEV_KID, key]]) };
  }
  cached = { source, ring };
  return ring;
}
