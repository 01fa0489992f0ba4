import { isIP } from "node:net";
import { metricsAccess } from "@/lib/metrics/metrics-access";

/** Whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1" || h === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(h);
}

/**
 * Who may read the worker's /healthz and /metrics: everyone when the server listens on
 * loopback only (nothing else can connect); otherwise only a caller sending
 * `Authorization: Bearer <PYSTOL_METRICS_TOKEN>`, since queue sizes, job names and failure
 * counts tell an outsider how the service is used.
 */
export function healthAccess(host: string, authorization: string | undefined, token = process.env.PYSTOL_METRICS_TOKEN): "ok" | "denied" {
  if (isLoopbackHost(host)) return "ok";
  return metricsAccess(authorization ?? null, token) === "ok" ? "ok" : "denied";
}
