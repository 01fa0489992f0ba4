import { UsageError } from "./context";

/** The API's run states, in the order a run goes through them. */
export const RUN_STATES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "ROLLING_BACK", "ROLLED_BACK", "ROLLBACK_FAILED"] as const;

/** A state as people read and type it: "ROLLED_BACK" → "rolled-back". */
export const stateName = (state: string): string => state.toLowerCase().replace(/_/g, "-");

export const STATE_NAMES = RUN_STATES.map(stateName);

/**
 * `--state` as the API's states: comma-separated, any case, with "-", "_" or a space between
 * words ("rolled-back", "Rolled_Back", "rolled back"). An unknown state is a usage mistake.
 */
export function parseStates(text: string): string[] {
  const words = text.split(",").map((w) => w.trim()).filter(Boolean);
  if (words.length === 0) throw new UsageError(`--state needs a state: ${STATE_NAMES.join(", ")}`);
  return words.map((w) => {
    const state = w.toUpperCase().replace(/[\s_-]+/g, "_");
    if (!(RUN_STATES as readonly string[]).includes(state)) throw new UsageError(`"${w}" is not a run state; use ${STATE_NAMES.join(", ")}`);
    return state;
  });
}
