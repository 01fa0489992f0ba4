import { auditActor, recordAudit } from "@/lib/audit";
import type { TeamContext } from "@/lib/tenancy";
import { checkCluster, type ClusterCheck } from "./check-cluster";
import { findTeamCluster } from "./connect-cluster";

/** "Re-check" on a cluster's page: asks the cluster again and records who asked and the answer. */
export async function recheckCluster(ctx: TeamContext, clusterId: string): Promise<ClusterCheck> {
  const cluster = await findTeamCluster(ctx, clusterId);
  const result = await checkCluster(cluster);
  await recordAudit({
    action: "cluster.check",
    ...auditActor(ctx),
    targetType: "cluster",
    targetId: cluster.id,
    data: { name: cluster.name, status: result.ok ? "CONNECTED" : result.status },
  });
  return result;
}
