import { z } from "zod";
import { settingsFromEnv } from "@/lib/env/settings";

// Timing of the run machinery. Tests shorten them; production keeps the defaults.
const schema = z.object({
  // How often a worker proves it still holds a run, and reads abort requests.
  RUN_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  // A run whose heartbeat is older than this is taken over by another worker.
  RUN_STALE_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  // How often every worker sweeps for stale runs and due undos.
  RUN_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  // Runs one worker process executes at once.
  RUN_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
});

export type RunSettings = z.infer<typeof schema>;

/** The run machinery's settings, validated once; throws naming the offending variable. */
export const runSettings: () => RunSettings = settingsFromEnv(schema);
