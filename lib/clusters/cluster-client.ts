import { z } from "zod";
import type { Cluster } from "@/lib/db";
import { KubeAccessError, createKubeClient, openKubeconfig, type KubeClient, type KubeTarget } from "@/lib/kube";
import { sandboxAdminOf } from "./sandbox-admin";
import { shardAnswers, shardDownError, shardOf } from "./sandbox-shards";

/** The columns of a cluster row that say how to reach it. */
export type ClusterConnection = Pick<Cluster, "id" | "kind" | "sandboxClusterId" | "sandboxShard" | "updatedAt" | "kubeconfigCiphertext">;

// Clients are reused for a while: building one per request would cost more than the request.
// A kubeconfig cluster's key carries updatedAt, so rotated credentials take effect at once.
// The promise is kept, so that the many runs a worker starts at once share one client (one
// pool of connections) instead of each building its own while the first is still being built.
const CACHE_MS = 60_000;
const cache = new Map<string, { client: Promise<KubeClient>; until: number }>();

const sandboxCredentials = z.object({ server: z.string().url(), caPem: z.string().min(1), token: z.string().min(1) });

/**
 * The connection of a sandbox cluster, from the sandbox's admin interface (as JSON: the first
 * view of every new trial cluster builds its client, and a kubeconfig's YAML cost more than
 * the rest of it).
 */
async function sandboxTarget(sandboxClusterId: string, shard: string): Promise<KubeTarget> {
  const admin = sandboxAdminOf(shard);
  if (!admin) throw new KubeAccessError("unreachable", `The sandbox shard "${shard}" is not configured on this server`);
  const answer = await admin.getCredentials(sandboxClusterId).catch(async (err: unknown) => {
    // A shard that does not answer at all is said so plainly; any other failure is its own.
    throw (await shardAnswers(shard)) ? err : shardDownError();
  });
  const c = sandboxCredentials.parse(answer);
  return { kind: "sandbox", server: c.server, caPem: c.caPem, token: c.token };
}

/**
 * The guarded API client of a team's cluster (lib/kube's factory underneath: address checks
 * for user clusters, timeouts, metrics). Pages, workers and the API reach clusters only here.
 */
export async function clientForCluster(cluster: ClusterConnection): Promise<KubeClient> {
  // A cached client of a cluster whose shard died would answer with a socket error; the
  // shard's health (asked at most every 2 s) says it plainly instead.
  if (cluster.kind === "SANDBOX" && cluster.sandboxClusterId && !(await shardAnswers(shardOf(cluster)))) throw shardDownError();
  return cachedClient(cluster);
}

function cachedClient(cluster: ClusterConnection): Promise<KubeClient> {
  // A sandbox cluster's credentials live in the sandbox, not in the row: edits of the row
  // (a check, a pool cluster handed to a trial) leave its client valid.
  const sandbox = cluster.kind === "SANDBOX" && cluster.sandboxClusterId;
  const key = sandbox ? `${cluster.id}:sandbox:${shardOf(cluster)}:${cluster.sandboxClusterId}` : `${cluster.id}:${cluster.updatedAt.getTime()}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.client;
  const client = buildClient(cluster);
  // Expired entries go when the map grows (every trial adds a cluster; many are never read again).
  if (cache.size >= 256) for (const [k, v] of cache) if (v.until <= now) cache.delete(k);
  cache.set(key, { client, until: now + CACHE_MS });
  // A failed build is not kept: the next call tries again.
  client.catch(() => cache.get(key)?.client === client && cache.delete(key));
  return client;
}

async function buildClient(cluster: ClusterConnection): Promise<KubeClient> {
  if (cluster.kind === "SANDBOX" && cluster.sandboxClusterId) return createKubeClient(await sandboxTarget(cluster.sandboxClusterId, shardOf(cluster)));
  if (cluster.kubeconfigCiphertext) return createKubeClient({ kind: "kubeconfig", config: openKubeconfig(cluster.kubeconfigCiphertext) });
  throw new KubeAccessError("unreachable", "The cluster has no stored credentials");
}

/** Forgets cached clients (after a cluster is deleted, or in tests that replace a server). */
export function forgetClusterClients(clusterId?: string): void {
  if (!clusterId) return cache.clear();
  for (const key of cache.keys()) if (key.startsWith(`${clusterId}:`)) cache.delete(key);
}
