import { db, type Cluster, type ClusterStatus, type Prisma } from "@/lib/db";
import { KubeAccessError, probeCluster, type ClusterProbe } from "@/lib/kube";
import { clientForCluster } from "./cluster-client";

/** The columns a successful probe fills in. */
export function probeColumns(probe: ClusterProbe) {
  return {
    status: "CONNECTED" as const,
    statusMessage: null,
    kubernetesVersion: probe.version,
    nodeCount: probe.nodeCount,
    permissions: probe.permissions,
    lastCheckedAt: new Date(),
  };
}

export type ClusterCheck = { ok: true; probe: ClusterProbe } | { ok: false; status: ClusterStatus; message: string };

/** Status of a cluster from a failed access: the message is safe to show (no secrets). */
export function failureStatus(err: unknown): { status: ClusterStatus; message: string } {
  if (err instanceof KubeAccessError) {
    if (err.code === "unauthorized" || err.status === 401) return { status: "UNAUTHORIZED", message: err.message };
    if (err.code === "address-refused" || err.code === "unreachable" || err.code === "timeout") {
      return { status: "UNREACHABLE", message: err.message };
    }
    return { status: "ERROR", message: err.message };
  }
  return { status: "ERROR", message: "The cluster could not be checked" };
}

/**
 * Asks a stored cluster what it is and what its credentials allow ("Test connection"), and
 * records the answer on the row. The caller has already confined `cluster` to its team.
 */
export async function checkCluster(cluster: Cluster): Promise<ClusterCheck> {
  let result: ClusterCheck;
  try {
    const client = await clientForCluster(cluster);
    result = { ok: true, probe: await probeCluster(client) };
  } catch (err) {
    result = { ok: false, ...failureStatus(err) };
  }
  const data: Prisma.ClusterUpdateInput = result.ok
    ? probeColumns(result.probe)
    : { status: result.status, statusMessage: result.message, lastCheckedAt: new Date() };
  // updateMany with the team keeps this write inside the tenancy rule even here.
  await db.cluster.updateMany({ where: { id: cluster.id, teamId: cluster.teamId }, data });
  return result;
}
