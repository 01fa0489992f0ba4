"use client";

import { useNow } from "./use-now";
import { formatRunDuration, runDurationMs } from "@/lib/runs/run-duration";

/**
 * How long a run took (lib/runs/run-duration: start to end, queue time left out), ticking
 * every second while it is still going. The first draw uses the server's time of drawing, so
 * the server and the browser agree.
 */
export function RunDuration({ startedAt, finishedAt, drawnAt }: { startedAt: string | null; finishedAt: string | null; drawnAt: number }) {
  const now = useNow(startedAt !== null && finishedAt === null, drawnAt);
  return (
    <span className="tabular-nums" data-testid="run-duration">
      {formatRunDuration(runDurationMs({ startedAt, finishedAt }, now))}
    </span>
  );
}
