import { timingSafeEqual } from "node:crypto";

/**
 * Whether a scrape of the web app's /api/metrics may read the metrics: only with
 * `Authorization: Bearer <PYSTOL_METRICS_TOKEN>`, and never when no token is configured
 * (the web app faces the internet; the workers serve /metrics on their private health port).
 */
export function metricsAccess(authorization: string | null, token = process.env.PYSTOL_METRICS_TOKEN): "ok" | "disabled" | "denied" {
  if (!token || token.length < 16) return "disabled";
  const given = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b) ? "ok" : "denied";
}
