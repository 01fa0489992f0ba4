import { z } from "zod";

// How many reverse proxies in front of the app append to X-Forwarded-For. The client's
// address is the entry that many places from the right: entries further left were written
// by the client itself and prove nothing (anyone can send "X-Forwarded-For: 1.2.3.4").
const hopsSchema = z.coerce.number().int().min(1).max(10).default(1);

export function trustedProxyHops(value: string | undefined = process.env.PYSTOL_TRUSTED_PROXY_HOPS): number {
  const parsed = hopsSchema.safeParse(value);
  if (!parsed.success) throw new Error("Invalid environment:\n  PYSTOL_TRUSTED_PROXY_HOPS: an integer from 1 to 10");
  return parsed.data;
}

/**
 * The caller's address from the forwarding headers, as the nearest trusted proxy saw it;
 * null when there is none. Used for per-address limits and the audit trail.
 */
export function clientIp(get: (name: string) => string | null | undefined, hops = trustedProxyHops()): string | null {
  const chain = (get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = chain.length > 0 ? chain[Math.max(0, chain.length - hops)] : get("x-real-ip")?.trim();
  return ip ? ip.slice(0, 64) : null;
}
