"use client";

import { useEffect, useState } from "react";
import { formatRunDuration, runDurationMs } from "@/lib/runs/run-duration";

/**
 * How long a run took (lib/runs/run-duration: start to end, queue time left out), ticking
 * every second while it is still going. The first draw uses the server's time of drawing, so
 * the server and the browser agree.
 */
export function RunDuration({ startedAt, finishedAt, drawnAt }: { startedAt: string | null; finishedAt: string | null; drawnAt: number }) {
  const [now, setNow] = useState(drawnAt);
  const going = startedAt !== null && finishedAt === null;
  useEffect(() => {
    if (!going) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const t = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [going]);
  return (
    <span className="tabular-nums" data-testid="run-duration">
      {formatRunDuration(runDurationMs({ startedAt, finishedAt }, now))}
    </span>
  );
}
