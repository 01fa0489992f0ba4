// Small formatting helpers of the shared run page.

export type Tone = "slate" | "green" | "red" | "amber" | "blue";

const TONES: Record<string, Tone> = {
  SUCCEEDED: "green",
  FAILED: "red",
  ROLLBACK_FAILED: "red",
  CANCELLED: "slate",
  ROLLED_BACK: "amber",
  ROLLING_BACK: "amber",
  RUNNING: "blue",
  QUEUED: "slate",
  PENDING: "slate",
  SKIPPED: "slate",
};

/** The badge colour of a run or step state. */
export const stateTone = (state: string): Tone => TONES[state] ?? "slate";

/** "ROLLED_BACK" → "rolled back". */
export const stateLabel = (state: string): string => state.toLowerCase().replace(/_/g, " ");

/** A UTC time people can read: 2026-11-23 12:03:04 UTC. */
export const utc = (d: Date): string => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
