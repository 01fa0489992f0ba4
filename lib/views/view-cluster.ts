import { notFound } from "next/navigation";
import { cache } from "react";
import { clientForCluster } from "@/lib/clusters";
import { db } from "@/lib/db";
import type { KubeClient } from "@/lib/kube";
import { scoped, type TeamContext } from "@/lib/tenancy";

/** The columns of a cluster row the views need (the connection and the header). */
const SELECT = {
  id: true,
  name: true,
  kind: true,
  status: true,
  serverHost: true,
  kubernetesVersion: true,
  sandboxClusterId: true,
  sandboxShard: true,
  updatedAt: true,
  kubeconfigCiphertext: true,
} as const;

export type ViewCluster = NonNullable<Awaited<ReturnType<typeof findViewCluster>>>;

/** The team's cluster with this id, or null (another team's id reads as missing). */
export function findViewCluster(ctx: TeamContext, clusterId: string) {
  return db.cluster.findFirst({ where: { ...scoped(ctx), id: clusterId }, select: SELECT });
}

// The cluster layout and its page both ask, in one request: one read serves both. Reads are
// kept by team and cluster id (React's cache holds this map for one server render).
const viewClusterReads = cache(() => new Map<string, Promise<ViewCluster | null>>());

/** The team's cluster with this id, or the 404 page. */
export async function requireViewCluster(ctx: TeamContext, clusterId: string): Promise<ViewCluster> {
  const reads = viewClusterReads();
  const key = `${ctx.team.id}:${clusterId}`;
  let read = reads.get(key);
  if (!read) reads.set(key, (read = findViewCluster(ctx, clusterId).then((c) => c)));
  const cluster = await read;
  if (!cluster) notFound();
  return cluster;
}

/** The guarded client of a cluster the views read (lib/clusters; no other way in). */
export function kubeOf(cluster: ViewCluster): Promise<KubeClient> {
  return clientForCluster(cluster);
}
