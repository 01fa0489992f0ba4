import type { RunState } from "@/lib/db";

// How a run's state reads and looks everywhere in the app.
export const STATE_LABELS: Record<RunState, string> = {
  QUEUED: "queued",
  RUNNING: "running",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  CANCELLED: "cancelled",
  ROLLING_BACK: "rolling back",
  ROLLED_BACK: "rolled back",
  ROLLBACK_FAILED: "rollback failed",
};

export const STATE_TONES: Record<RunState, "slate" | "green" | "red" | "amber" | "blue"> = {
  QUEUED: "slate",
  RUNNING: "blue",
  SUCCEEDED: "green",
  FAILED: "red",
  CANCELLED: "slate",
  ROLLING_BACK: "amber",
  ROLLED_BACK: "amber",
  ROLLBACK_FAILED: "red",
};

/** "2026-11-23 12:04:05 UTC": one clock for every viewer, as the audit log shows it. */
export function formatTime(d: Date | string | null | undefined): string {
  if (!d) return "—";
  return `${new Date(d).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
