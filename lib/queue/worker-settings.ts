import { z } from "zod";
import { isLoopbackHost } from "./health-access";

// Settings that only worker processes read (the shared ones live in lib/env).
export const workerEnvSchema = z.object({
  // How long SIGTERM waits for running jobs; past it they go back to the queue. Keep it below
  // the orchestrator's kill timeout (docker compose stop_grace_period, Kubernetes
  // terminationGracePeriodSeconds).
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(25_000),
  // Address of /healthz and /metrics; 0.0.0.0 in a container so probes and scrapers reach it.
  WORKER_HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
  PYSTOL_METRICS_TOKEN: z.string().optional(),
  // How often a worker checks that the repeating jobs (trial expiry) are still scheduled.
  WORKER_SCHEDULE_CHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
}).superRefine((s, ctx) => {
  // Anywhere but loopback, /healthz and /metrics answer only a caller holding the metrics
  // token (lib/queue/health-access.ts); without one nobody could read them, so say so now.
  if (!isLoopbackHost(s.WORKER_HEALTH_HOST) && (s.PYSTOL_METRICS_TOKEN ?? "").length < 16) {
    ctx.addIssue({
      code: "custom",
      path: ["PYSTOL_METRICS_TOKEN"],
      message: `required (16 characters or more) when WORKER_HEALTH_HOST (${s.WORKER_HEALTH_HOST}) is not a loopback address: the health server's /healthz and /metrics then answer only callers sending it as a bearer token`,
    });
  }
});

export type WorkerSettings = z.infer<typeof workerEnvSchema>;

/** The worker's own settings, validated; throws naming the offending variable. */
export function workerSettings(source: Record<string, string | undefined> = process.env): WorkerSettings {
  const parsed = workerEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  return parsed.data;
}
