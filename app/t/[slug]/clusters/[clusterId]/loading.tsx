import { Card } from "@/app/_components/ui";

// Shown under the cluster's name and tabs while a view reads the cluster. Most views come from
// the shared cache at once; the first view of a large cluster reads every node and pod, which
// takes seconds, and the person should see that something is happening.
export default function ClusterViewLoading() {
  return (
    <Card>
      <div role="status" aria-live="polite" className="flex items-center gap-3 text-sm text-slate-600">
        <span className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-brand-600" aria-hidden="true" />
        Reading the cluster… A large cluster takes a few seconds the first time; later views come from the cache.
      </div>
      <div className="mt-4 space-y-2" aria-hidden="true">
        <div className="h-3 w-2/3 animate-pulse rounded bg-slate-100" />
        <div className="h-3 w-1/2 animate-pulse rounded bg-slate-100" />
        <div className="h-3 w-3/5 animate-pulse rounded bg-slate-100" />
      </div>
    </Card>
  );
}
