"use client";

import { useEffect, useState } from "react";

/**
 * The current time, refreshed every second while `ticking`; `initial` is what the first draw
 * uses (the server's time of drawing, or null for "not known yet"), so server and browser agree.
 */
export function useNow<T extends number | null>(ticking: boolean, initial: T): number | T {
  const [now, setNow] = useState<number | T>(initial);
  useEffect(() => {
    if (!ticking) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const t = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [ticking]);
  return now;
}
