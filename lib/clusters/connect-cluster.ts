import { recordAudit } from "@/lib/audit";
import { db, type Cluster } from "@/lib/db";
import { sealKubeconfig, serverHostOf, type ClusterProbe, type ValidatedKubeconfig } from "@/lib/kube";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { forgetClusterClients } from "./cluster-client";
import { ClusterError } from "./cluster-error";

/** The columns a successful probe fills in. */
function probeColumns(probe: ClusterProbe) {
  return {
    status: "CONNECTED" as const,
    statusMessage: null,
    kubernetesVersion: probe.version,
    nodeCount: probe.nodeCount,
    permissions: probe.permissions,
    lastCheckedAt: new Date(),
  };
}

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

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "P2002";
}

const nameTaken = (name: string) => new ClusterError("name-taken", `This team already has a cluster named "${name}"`);

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
  const taken = await db.cluster.findFirst({ where: { ...scoped(ctx), name: input.name }, select: { id: true } });
  if (taken) throw nameTaken(input.name);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.cluster.create({
        data: {
          teamId: ctx.team.id,
          name: input.name,
          kind: "KUBECONFIG",
          createdById: ctx.user?.id ?? null,
          ...credentialColumns(input.config),
          ...probeColumns(input.probe),
        },
      });
      await recordAudit(
        {
          action: "cluster.create",
          teamId: ctx.team.id,
          actorUserId: ctx.user?.id ?? null,
          actorTokenId: ctx.tokenId,
          targetType: "cluster",
          targetId: row.id,
          data: { name: row.name, kind: "KUBECONFIG", serverHost: row.serverHost, context: row.contextName },
        },
        tx,
      );
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
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
        teamId: ctx.team.id,
        actorUserId: ctx.user?.id ?? null,
        actorTokenId: ctx.tokenId,
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
  const taken = await db.cluster.findFirst({ where: { ...scoped(ctx), name, NOT: { id: cluster.id } }, select: { id: true } });
  if (taken) throw nameTaken(name);
  try {
    await db.$transaction(async (tx) => {
      await tx.cluster.updateMany({ where: { ...scoped(ctx), id: cluster.id }, data: { name } });
      await recordAudit(
        {
          action: "cluster.rename",
          teamId: ctx.team.id,
          actorUserId: ctx.user?.id ?? null,
          actorTokenId: ctx.tokenId,
          targetType: "cluster",
          targetId: cluster.id,
          data: { from: cluster.name, to: name },
        },
        tx,
      );
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
}

/** The team's cluster with this id, or ClusterError("not-found") (another team's id too). */
export async function findTeamCluster(ctx: TeamContext, clusterId: string): Promise<Cluster> {
  const cluster = await db.cluster.findFirst({ where: { ...scoped(ctx), id: clusterId } });
  if (!cluster) throw new ClusterError("not-found", "No such cluster in this team");
  return cluster;
}
