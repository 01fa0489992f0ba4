import { RunRefusedError, type ActionKube } from "@/lib/actions";
import { clientForCluster, type ClusterConnection } from "@/lib/clusters";
import { db, type Run, type Team } from "@/lib/db";
import { KubeAccessError } from "@/lib/kube";
import { instrumentKube } from "./instrument-kube";

const wrapped = new WeakMap<object, ActionKube>();

/**
 * The guarded client of a run's cluster (lib/clusters), instrumented with the run metrics.
 * Every cluster access of lib/runs and lib/actions goes through here.
 */
export async function kubeForCluster(cluster: ClusterConnection): Promise<ActionKube> {
  let client;
  try {
    client = await clientForCluster(cluster);
  } catch (err) {
    if (err instanceof KubeAccessError) throw new RunRefusedError("cluster-unreachable", err.message);
    throw err;
  }
  let kube = wrapped.get(client);
  if (!kube) {
    kube = instrumentKube(client);
    wrapped.set(client, kube);
  }
  return kube;
}

export type RunCluster = ClusterConnection & Pick<Team, "protectedNamespaces">;

/**
 * The cluster of a run with its team's protected namespaces, or null once the cluster is gone.
 * One query per run (an include of the team would be two), the run's team as scope.
 */
export async function clusterOfRun(run: Pick<Run, "clusterId" | "teamId">): Promise<RunCluster | null> {
  const rows = await db.$queryRaw<RunCluster[]>`
    SELECT c."id", c."kind", c."sandboxClusterId", c."sandboxShard", c."updatedAt", c."kubeconfigCiphertext", t."protectedNamespaces"
    FROM "Cluster" c JOIN "Team" t ON t."id" = c."teamId"
    WHERE c."id" = ${run.clusterId} AND c."teamId" = ${run.teamId}`;
  return rows[0] ?? null;
}
