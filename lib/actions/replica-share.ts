import type { V1Pod } from "@kubernetes/client-node";
import { targetKey, podTarget } from "./select";
import type { Target } from "./types";
import { plural } from "@/lib/text";

/** Killing more than this share of a workload's pods at once asks for the typed confirmation. */
export const REPLICA_SHARE_CONFIRM = 0.5;

type PodMeta = Pick<V1Pod, "metadata">;

function ownerOf(pod: PodMeta): string | null {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  return owner ? `${owner.kind} ${owner.name}` : null;
}

/**
 * Why a pod kill deserves a second look, or null: it takes every pod (or more than half) of a
 * workload among the matching pods, so nothing is left to serve while they come back; or it
 * hits bare pods, which nothing brings back. `asked` is the count the person typed, named when
 * it is more than matched (a count of 5000 against 2 pods is "every pod").
 */
export function podKillConcern(matching: readonly PodMeta[], chosen: readonly Target[], asked?: number): string | null {
  const picked = new Set(chosen.map(targetKey));
  const byOwner = new Map<string, { total: number; hit: number }>();
  let bare = 0;
  for (const pod of matching) {
    const hit = picked.has(targetKey(podTarget(pod)));
    const owner = ownerOf(pod);
    if (!owner) {
      if (hit) bare++;
      continue;
    }
    const g = byOwner.get(owner) ?? { total: 0, hit: 0 };
    g.total++;
    if (hit) g.hit++;
    byOwner.set(owner, g);
  }
  const reasons: string[] = [];
  if (asked !== undefined && asked > matching.length) {
    reasons.push(`You asked for ${asked} pods but only ${matching.length} match, so every matching pod would be killed.`);
  }
  for (const [owner, g] of byOwner) {
    if (g.hit === g.total) reasons.push(`It kills all ${plural(g.total, "pod")} of ${owner}: no replica is left to serve until they come back.`);
    else if (g.hit / g.total > REPLICA_SHARE_CONFIRM) reasons.push(`It kills ${g.hit} of the ${g.total} pods of ${owner}, more than half of them.`);
  }
  if (bare > 0) reasons.push(`${plural(bare, "pod")} ${bare === 1 ? "has" : "have"} no controller and will not come back.`);
  return reasons.length > 0 ? reasons.join(" ") : null;
}
