import { SHARD_DOWN_MESSAGE } from "@/lib/clusters";

/**
 * A sandbox cluster whose shard (sandbox process) does not answer: what that means, calmly,
 * and on a trial the way out (a new trial lands on a shard that answers).
 */
export function ShardDown({ trial }: { trial: boolean }) {
  return (
    <div role="alert" data-testid="shard-down" className="rounded-lg border border-amber-200 bg-amber-50 px-5 py-4 text-sm text-amber-900">
      <h2 className="font-semibold">This cluster is not answering right now</h2>
      <p className="mt-1">{SHARD_DOWN_MESSAGE}</p>
      {trial ? (
        <form action="/try" method="post" className="mt-3">
          <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">
            Start a new trial
          </button>
        </form>
      ) : (
        <p className="mt-2">Refresh this page in a few minutes; nothing on the cluster is lost.</p>
      )}
    </div>
  );
}
