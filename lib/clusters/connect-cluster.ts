import { auditActor, recordAudit } from "@/lib/audit";
import { db, type Cluster } from "@/lib/db";
import { sealKubeconfig, serverHostOf, type ClusterProbe, type ValidatedKubeconfig } from "@/lib/kube";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { forgetClusterClients } from "./cluster-client";
import { probeColumns } from "./check-cluster";
import { ClusterError } from "./cluster-error";
import { assertClusterNameFree, saveCheckedCluster, withUniqueName } from "./save-cluster";

/** The columns that hold a kubeconfig: sealed, never in plaintext. */
function credentialColumns(config: ValidatedKubeconfig) {
  const { ciphertext, keyId } = sealKubeconfig(config);
  return {
    kubeconfigCiphertext: new Uint8Array(ciphertext),
    kubeconfigKeyId: keyId,
    serverHost: serverHostOf(config),
    contextName: config.contextName,
  };
}

/**
 * Stores a kubeconfig cluster whose connection was just tested: the reduced config sealed
 * (lib/kube), what the probe found, and an audit event, in one transaction.
 */
export async function connectCluster(
  ctx: TeamContext,
  input: { name: string; config: ValidatedKubeconfig; probe: ClusterProbe },
): Promise<Cluster> {
  // A trial team (lib/trials) has its sandbox only: strangers' kubeconfigs need an account.
  if (ctx.team.isTrial) {
    throw new ClusterError("trial-limit", "A trial uses its sandbox cluster only. Keep the trial as an account to connect your own cluster.");
  }
  await assertClusterNameFree(ctx, input.name);
  return saveCheckedCluster(ctx, {
    name: input.name,
    kind: "KUBECONFIG",
    columns: credentialColumns(input.config),
    probe: input.probe,
    audit: { serverHost: serverHostOf(input.config), context: input.config.contextName },
  });
}

/** Replaces a kubeconfig cluster's credentials (rotation) with a newly tested kubeconfig. */
export async function replaceClusterCredentials(
  ctx: TeamContext,
  clusterId: string,
  input: { config: ValidatedKubeconfig; probe: ClusterProbe },
): Promise<Cluster> {
  const cluster = await findTeamCluster(ctx, clusterId);
  if (cluster.kind !== "KUBECONFIG") {
    throw new ClusterError("wrong-kind", "A sandbox cluster's credentials are managed by Pystol; there is nothing to upload.");
  }
  const row = await db.$transaction(async (tx) => {
    await tx.cluster.updateMany({
      where: { ...scoped(ctx), id: cluster.id },
      data: { ...credentialColumns(input.config), ...probeColumns(input.probe) },
    });
    await recordAudit(
      {
        action: "cluster.credentials.replace",
        ...auditActor(ctx),
        targetType: "cluster",
        targetId: cluster.id,
        data: { name: cluster.name, serverHost: serverHostOf(input.config), context: input.config.contextName },
      },
      tx,
    );
    return tx.cluster.findFirstOrThrow({ where: { ...scoped(ctx), id: cluster.id } });
  });
  forgetClusterClients(cluster.id);
  return row;
}

/** Renames a team's cluster. */
export async function renameCluster(ctx: TeamContext, clusterId: string, name: string): Promise<void> {
  const cluster = await findTeamCluster(ctx, clusterId);
  if (cluster.name === name) return;
  await assertClusterNameFree(ctx, name, cluster.id);
  await withUniqueName(name, () =>
    db.$transaction(async (tx) => {
      await tx.cluster.updateMany({ where: { ...scoped(ctx), id: cluster.id }, data: { name } });
      await recordAudit(
        {
          action: "cluster.rename",
          ...auditActor(ctx),
          targetType: "cluster",
          targetId: cluster.id,
          data: { from: cluster.name, to: name },
        },
        tx,
      );
    }),
  );
}

/** The team's cluster with this id, or ClusterError("not-found") (another team's id too). */
export async function findTeamCluster(ctx: TeamContext, clusterId: string): Promise<Cluster> {
  const cluster = await db.cluster.findFirst({ where: { ...scoped(ctx), id: clusterId } });
  if (!cluster) throw new ClusterError("not-found", "No such cluster in this team");
  return cluster;
}
