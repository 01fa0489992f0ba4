import { z } from "zod";
import { settingsFromEnv } from "@/lib/env/settings";

// Timing of the experiment engine. Tests and the benchmark shorten them; production keeps the defaults.
const schema = z.object({
  // How often a worker proves it still holds an execution, and reads abort requests (which
  // also arrive at once as notices; the heartbeat is the fallback when a notice is lost).
  EXPERIMENT_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // An execution whose heartbeat is older than this is taken over by another worker.
  EXPERIMENT_STALE_MS: z.coerce.number().int().min(500).max(600_000).default(20_000),
  // How often every worker sweeps for stale executions and lost queue messages.
  EXPERIMENT_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  // Executions one worker process drives at once (they mostly wait), and check evaluations at once.
  EXPERIMENT_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(200),
  CHECK_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(100),
  // One check evaluation's deadline.
  EXPERIMENT_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  // How often a driver re-reads its stage's runs when no live event woke it (each run's
  // change of state wakes it at once; this only covers an event lost with Redis).
  EXPERIMENT_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
});

export type ExperimentSettings = z.infer<typeof schema>;

/** The experiment engine's settings, validated once; throws naming the offending variable. */
export const experimentSettings: () => ExperimentSettings = settingsFromEnv(schema);
