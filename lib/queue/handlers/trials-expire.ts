import { expireTrials } from "@/lib/trials/expire-trials";
import { fillTrialPool } from "@/lib/trials/pool";
// Registers the active-trials gauge in the worker's /metrics.
import "@/lib/trials/metrics";
import type { JobHandler } from "./types";

/**
 * Deletes expired trials (one that could not be deleted waits for the next occurrence), then
 * tops up the pool of ready trial clusters (TRIAL_POOL_SIZE).
 */
export const handleTrialsExpire: JobHandler<"trials.expire"> = async (_payload, { log }) => {
  const result = await expireTrials();
  if (result.expired || result.failed) log.info(result, "expired trials deleted");
  const pooled = await fillTrialPool();
  return { ...result, pooled };
};
