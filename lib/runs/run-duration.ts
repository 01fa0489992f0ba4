// The one definition of how long a run took, for every page that shows it (the run page, the
// lists, the shared result and its timeline) and the API.

/**
 * A run's duration in milliseconds: from the moment a worker started it to the moment it
 * reached its final state, or to `now` while it is still going. Time in the queue is not part
 * of it. A run that never started (cancelled while queued, a dry run) has none: null.
 */
export function runDurationMs(run: { startedAt: Date | string | null; finishedAt: Date | string | null }, now: number = Date.now()): number | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : now;
  return Math.max(0, end - new Date(run.startedAt).getTime());
}

/** How a duration reads everywhere: "850 ms", "12.4 s", "3 min 05 s", "2 h 04 min"; "—" for none. */
export function formatRunDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}
