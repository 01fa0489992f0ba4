import type { Metadata } from "next";

// Small formatting helpers of the shared run and execution pages.

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
  // Experiment executions: the verdicts, and the states while one goes on.
  PASSED: "green",
  STOPPED: "amber",
  ABORTED: "amber",
  ERROR: "red",
  NOT_STARTED: "slate",
  CHECKING: "blue",
  INJECTING: "blue",
  OBSERVING: "blue",
  RECOVERING: "blue",
  STOPPING: "amber",
};

/** The badge colour of a run, step or execution state. */
export const stateTone = (state: string): Tone => TONES[state] ?? "slate";

/** "ROLLED_BACK" → "rolled back". */
export const stateLabel = (state: string): string => state.toLowerCase().replace(/_/g, " ");

/** A UTC time people can read: 2026-11-23 12:03:04 UTC. */
export const utc = (d: Date): string => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

/**
 * The metadata of a shared page: its title and description for link previews, or "Link not
 * found". The address holds the token: never sent on as a referrer, never indexed.
 */
export function sharedMetadata(found: { title: string; description: string } | null): Metadata {
  const base = { robots: { index: false, follow: false }, referrer: "no-referrer" as const };
  if (!found) return { ...base, title: "Link not found" };
  const { title, description } = found;
  return { ...base, title, description, openGraph: { title, description, type: "article", siteName: "Pystol" }, twitter: { card: "summary", title, description } };
}
