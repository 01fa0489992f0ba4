import Link from "next/link";

function ago(at: number): string {
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  if (s < 2) return "just now";
  if (s < 90) return `${s} s ago`;
  return `${Math.round(s / 60)} min ago`;
}

/**
 * How fresh the data on the page is, with a link that reads the cluster again. `at` is when
 * the data was read from the cluster (the views share a short-lived cache).
 */
export function Freshness({ at, refreshHref }: { at: number; refreshHref: string }) {
  const when = new Date(at).toISOString().slice(11, 19);
  return (
    <p className="flex items-center gap-3 text-xs text-slate-500" data-testid="freshness">
      <span>
        Read from the cluster {ago(at)} (<time dateTime={new Date(at).toISOString()}>{when} UTC</time>)
      </span>
      <Link href={refreshHref} prefetch={false} className="rounded px-2 py-0.5 font-medium text-brand-700 ring-1 ring-slate-300 hover:bg-slate-50">
        Refresh
      </Link>
    </p>
  );
}

/** The page's own address with `refresh=1` added (other parameters kept). */
export function refreshHref(path: string, params: Record<string, string | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (typeof v === "string" && v && k !== "refresh") q.set(k, v);
  q.set("refresh", String(Date.now()));
  return `${path}?${q.toString()}`;
}

/** Whether the visitor asked for fresh data (the Refresh link). */
export const wantsRefresh = (params: Record<string, string | string[] | undefined>) => typeof params.refresh === "string";
