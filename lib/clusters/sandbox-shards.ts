import { KubeAccessError } from "@/lib/kube";
import type { SandboxAdminClient } from "@/lib/sandbox/admin-client";
import { ClusterError } from "./cluster-error";
import { DEFAULT_SHARD, sandboxAdminOf, sandboxShards } from "./sandbox-admin";

// Which sandbox shards answer, and where a new virtual cluster goes.

/** What a cluster's page and a refused run say when its shard is down. */
export const SHARD_DOWN_MESSAGE =
  "The sandbox shard holding this cluster is not answering, so runs on it cannot start. Its clusters come back as they were when the shard restarts; a trial can start over on a shard that answers.";

/** The refusal for a cluster on a shard that does not answer (a KubeAccessError: views and runs explain it). */
export function shardDownError(): KubeAccessError {
  return new KubeAccessError("shard-down", SHARD_DOWN_MESSAGE);
}

// A shard's health is asked at most every HEALTH_MS per process: every view of a sandbox
// cluster checks it (a cached client would otherwise point at a dead process and answer
// with a socket error instead of the sentence above).
const HEALTH_MS = 2_000;
const HEALTH_TIMEOUT_MS = 1_500;
const health = new Map<string, { until: number; answers: Promise<boolean> }>();

/** The shard a row names; rows from before shards hold null and live on the default shard. */
export function shardOf(row: { sandboxShard?: string | null }): string {
  return row.sandboxShard ?? DEFAULT_SHARD;
}

/** Whether a shard answers its admin interface now (cached for a moment). An unknown shard does not. */
export function shardAnswers(shard: string): Promise<boolean> {
  const now = Date.now();
  const hit = health.get(shard);
  if (hit && hit.until > now) return hit.answers;
  const admin = sandboxAdminOf(shard);
  const answers = admin ? admin.load(HEALTH_TIMEOUT_MS).then(() => true, () => false) : Promise.resolve(false);
  health.set(shard, { until: now + HEALTH_MS, answers });
  return answers;
}

/** Forgets what is known of the shards' health (tests that kill and restart one). */
export function forgetShardHealth(): void {
  health.clear();
}

/** The configured shards that do not answer now. */
export async function downShards(): Promise<string[]> {
  const shards = sandboxShards();
  const answers = await Promise.all(shards.map((s) => shardAnswers(s.name)));
  return shards.filter((_, i) => !answers[i]).map((s) => s.name);
}

// Clusters this process is creating on each shard, not yet in the shard's count: concurrent
// placements (the pool fills two at a time, many trials at once) spread instead of all
// choosing the same shard.
const placing = new Map<string, number>();

/**
 * The shard with the fewest clusters (then objects) among those that answer, with its
 * client, held for `create`. Refuses with ClusterError "sandbox-unavailable" when none answers.
 */
export async function onLeastLoadedShard<T>(create: (shard: string, admin: SandboxAdminClient) => Promise<T>): Promise<T> {
  const shards = sandboxShards();
  if (shards.length === 0) throw new ClusterError("sandbox-unavailable", "The sandbox is not running on this server. Start it with `npm run up`, or connect a kubeconfig.");
  const loads = await Promise.all(
    shards.map(async (s) => {
      const admin = sandboxAdminOf(s.name)!;
      const load = await admin.load(HEALTH_TIMEOUT_MS).catch(() => null);
      health.set(s.name, { until: Date.now() + HEALTH_MS, answers: Promise.resolve(load !== null) });
      return load && { name: s.name, admin, clusters: load.clusters + (placing.get(s.name) ?? 0), objects: load.objects };
    }),
  );
  const live = loads.filter((l) => l !== null);
  if (live.length === 0) throw new ClusterError("sandbox-unavailable", "No sandbox shard is answering right now. Try again in a minute.");
  // Stable for equal loads: the order of the settings.
  const best = live.reduce((a, b) => (b.clusters < a.clusters || (b.clusters === a.clusters && b.objects < a.objects) ? b : a));
  placing.set(best.name, (placing.get(best.name) ?? 0) + 1);
  try {
    return await create(best.name, best.admin);
  } finally {
    const n = (placing.get(best.name) ?? 1) - 1;
    if (n > 0) placing.set(best.name, n);
    else placing.delete(best.name);
  }
}
