import { expireTrials } from "@/lib/trials/expire-trials";
// Registers the active-trials gauge in the worker's /metrics.
import "@/lib/trials/metrics";
import type { JobHandler } from "./types";

/** Deletes expired trials; a trial that could not be deleted waits for the next occurrence. */
export const handleTrialsExpire: JobHandler<"trials.expire"> = async (_payload, { log }) => {
  const result = await expireTrials();
  if (result.expired || result.failed) log.info(result, "expired trials deleted");
  return { ...result };
};
