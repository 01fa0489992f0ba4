import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import { z } from "zod";

// Reading next-auth's session cookie on every page without next-auth's request handler.
// `getServerSession` runs the whole handler for each page: it sets up a CSRF token, derives
// the encryption key (HKDF) to decrypt the token, then derives it again to encrypt a renewed
// token into a cookie that a server component cannot set. What a page needs is the token's
// claims: they are read as next-auth's `decode` reads them (jose's jwtDecrypt with 15 s of clock
// tolerance, the key from HKDF-SHA256 as next-auth derives it), with the key derived once per secret.

const CLOCK_TOLERANCE_S = 15;
// next-auth's info string for the key of its session tokens (the salt is empty).
const KEY_INFO = "NextAuth.js Generated Encryption Key";

const keys = new Map<string, Uint8Array>();
function encryptionKey(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, "", KEY_INFO, 32));
    keys.set(secret, key);
  }
  return key;
}

const claimsSchema = z.object({ uid: z.string().optional(), sv: z.number().optional() });

export interface SessionClaims {
  uid?: string;
  sv?: number;
}

/**
 * The claims of a next-auth session token, or null when it does not open with this secret,
 * is malformed or has expired (all of which next-auth treats as signed out).
 */
export async function decodeSessionToken(token: string, secret: string, nowMs = Date.now()): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtDecrypt(token, encryptionKey(secret), {
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(nowMs),
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    const claims = claimsSchema.safeParse(payload);
    return claims.success ? { uid: claims.data.uid, sv: claims.data.sv } : null;
  } catch {
    return null;
  }
}

/**
 * The session token among a request's cookies: next-auth's cookie name (with the __Secure-
 * prefix when the site is served over HTTPS), or its chunks `<name>.0`, `<name>.1`, … joined
 * in order when the token was too large for one cookie.
 */
export function sessionTokenFromCookies(cookies: { name: string; value: string }[], secure: boolean): string | null {
  const name = `${secure ? "__Secure-" : ""}next-auth.session-token`;
  const whole = cookies.find((c) => c.name === name);
  if (whole) return whole.value;
  const chunks: { index: number; value: string }[] = [];
  for (const c of cookies) {
    const suffix = c.name.startsWith(`${name}.`) ? c.name.slice(name.length + 1) : "";
    if (/^\d+$/.test(suffix)) chunks.push({ index: Number(suffix), value: c.value });
  }
  chunks.sort((a, b) => a.index - b.index);
  return chunks.length > 0 ? chunks.map((x) => x.value).join("") : null;
}
