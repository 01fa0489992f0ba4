"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

// One event stream per team in a page, however many parts of it follow run changes (a list,
// the overview, the guide): each change redraws the page's server parts once.
type Follower = { refresh: () => void };
const streams = new Map<string, { source: EventSource; followers: Set<Follower>; timer?: ReturnType<typeof setTimeout> }>();

function follow(slug: string, since: string, f: Follower): () => void {
  let s = streams.get(slug);
  if (!s) {
    const source = new EventSource(`/api/v1/t/${encodeURIComponent(slug)}/runs/events?since=${encodeURIComponent(since)}`);
    const entry: { source: EventSource; followers: Set<Follower>; timer?: ReturnType<typeof setTimeout> } = { source, followers: new Set() };
    // Changes come in bursts (halt all stops every run): redraw once per burst.
    source.onmessage = () => {
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => entry.followers.values().next().value?.refresh(), 200);
    };
    streams.set(slug, entry);
    s = entry;
  }
  s.followers.add(f);
  return () => {
    const cur = streams.get(slug);
    if (!cur) return;
    cur.followers.delete(f);
    if (cur.followers.size === 0) {
      clearTimeout(cur.timer);
      cur.source.close();
      streams.delete(slug);
    }
  };
}

/**
 * Keeps the page's server-drawn parts (run lists, counts, the guide) in step with the team's
 * runs: each change of a run's state redraws them, without a reload. `since` is when the page
 * was drawn (a change made before the stream opened is told too). Renders nothing.
 */
export function FollowRunChanges({ slug, since }: { slug: string; since: string }) {
  const router = useRouter();
  useEffect(() => follow(slug, since, { refresh: () => router.refresh() }), [slug, since, router]);
  return null;
}
