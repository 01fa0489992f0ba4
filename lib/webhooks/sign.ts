import { createHmac } from "node:crypto";
import { safeEqual } from "@/lib/crypto";

// Signing of outgoing webhooks, as Stripe does it: HMAC-SHA256 with the team's secret over
// "<unix seconds>.<raw body>", sent as `Pystol-Signature: t=<seconds>,v1=<hex>`. The timestamp
// inside the signed text lets a receiver refuse replays older than a few minutes.

export const SIGNATURE_HEADER = "Pystol-Signature";

/** The hex HMAC-SHA256 of `${timestamp}.${body}` under `secret`. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The header value for a body sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/**
 * What a receiver does (README has the same in a few lines for other languages): parse the
 * header, refuse an old timestamp, compare the HMAC in constant time. Exported for tests and
 * for receivers written in TypeScript.
 */
export function verifySignature(secret: string, header: string, body: string, opts: { now?: number; toleranceSeconds?: number } = {}): boolean {
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1");
  if (!Number.isInteger(t) || !v1) return false;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? 300)) return false;
  return safeEqual(signatureOf(secret, t, body), v1);
}
