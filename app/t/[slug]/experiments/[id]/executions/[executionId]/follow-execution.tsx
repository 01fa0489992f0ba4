"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * While an execution runs, its page follows it: every event of its stream (a state, a stage,
 * a check's value) redraws the page's server parts, at most a few times a second. If the
 * stream cannot be opened the page asks again every few seconds instead. Renders nothing.
 */
export function FollowExecution({ eventsUrl }: { eventsUrl: string }) {
  const router = useRouter();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        router.refresh();
      }, 300);
    };
    const source = new EventSource(eventsUrl);
    source.onmessage = refresh;
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !poll) poll = setInterval(() => router.refresh(), 3000);
    };
    return () => {
      source.close();
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, [eventsUrl, router]);
  return null;
}
