import { auditActor, recordAudit } from "@/lib/audit";
import { db, type Cluster } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import type { CreateClusterRequest } from "@/lib/sandbox/admin-client";
import { ClusterError } from "./cluster-error";
import { forgetClusterClients } from "./cluster-client";
import { sandboxAdminOf, sandboxShards } from "./sandbox-admin";
import { onLeastLoadedShard, shardOf } from "./sandbox-shards";
import { assertClusterNameFree, saveCheckedCluster } from "./save-cluster";

/**
 * "Add a sandbox cluster": a private virtual cluster in the sandbox, seeded with the demo
 * application and owned by the team, checked once so its page has a version and permissions.
 */
export async function addSandboxCluster(
  ctx: TeamContext,
  input: { name: string; seed?: CreateClusterRequest["seed"]; limits?: CreateClusterRequest["limits"] },
): Promise<Cluster> {
  if (sandboxShards().length === 0) throw new ClusterError("sandbox-unavailable", "The sandbox is not running on this server. Start it with `npm run up`, or connect a kubeconfig.");
  // A trial has the one cluster "Try it now" gave it (lib/trials); more need an account.
  if (ctx.team.isTrial && (await db.cluster.count({ where: scoped(ctx) })) > 0) {
    throw new ClusterError("trial-limit", "A trial has one sandbox cluster. Keep the trial as an account to add more.");
  }
  await assertClusterNameFree(ctx, input.name);
  // On the shard holding the fewest clusters among those that answer (lib/clusters/sandbox-shards.ts).
  return onLeastLoadedShard(async (shard, admin) => {
    const virtual = await admin.createCluster({ name: virtualClusterName(ctx.team.slug, input.name), seed: input.seed ?? "demo", limits: input.limits });
    return saveCheckedCluster(ctx, {
      name: input.name,
      kind: "SANDBOX",
      columns: { sandboxClusterId: virtual.id, sandboxShard: shard, serverHost: "sandbox" },
      // The row did not land: the virtual cluster must not outlive it.
      onRefused: () => admin.deleteCluster(virtual.id),
    });
  });
}

/** The sandbox's name for a team's cluster: a DNS label (the sandbox refuses anything else). */
export function virtualClusterName(teamSlug: string, name: string): string {
  const label = `${teamSlug}-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
  return label || "cluster";
}

/** A free name for the next one-click sandbox cluster: "sandbox", then "sandbox-2", … */
export async function nextSandboxName(ctx: TeamContext): Promise<string> {
  const rows = await db.cluster.findMany({ where: { ...scoped(ctx), name: { startsWith: "sandbox" } }, select: { name: true } });
  const taken = new Set(rows.map((r) => r.name));
  for (let i = 1; ; i++) {
    const name = i === 1 ? "sandbox" : `sandbox-${i}`;
    if (!taken.has(name)) return name;
  }
}

/**
 * Deletes a team's cluster with its runs and schedules; a sandbox cluster's virtual cluster
 * goes with it. Refused while a run on it is in progress.
 */
export async function deleteCluster(ctx: TeamContext, clusterId: string): Promise<void> {
  const cluster = await db.cluster.findFirst({ where: { ...scoped(ctx), id: clusterId } });
  if (!cluster) throw new ClusterError("not-found", "No such cluster in this team");
  // A run in progress may have an undo to carry out against this cluster; it must finish first.
  const active = await db.run.count({
    where: { ...scoped(ctx), clusterId: cluster.id, state: { in: ["QUEUED", "RUNNING", "ROLLING_BACK"] } },
  });
  if (active > 0) {
    throw new ClusterError("busy", `${active} run${active === 1 ? " is" : "s are"} still in progress on this cluster. Abort or wait for ${active === 1 ? "it" : "them"}, then delete.`);
  }
  await db.$transaction(async (tx) => {
    await tx.cluster.deleteMany({ where: { ...scoped(ctx), id: cluster.id } });
    await recordAudit(
      {
        action: "cluster.delete",
        ...auditActor(ctx),
        targetType: "cluster",
        targetId: cluster.id,
        data: { name: cluster.name, kind: cluster.kind },
      },
      tx,
    );
  });
  forgetClusterClients(cluster.id);
  if (cluster.kind === "SANDBOX" && cluster.sandboxClusterId) {
    // A shard that is down keeps the virtual cluster; it holds no row any more and no one's token.
    await sandboxAdminOf(shardOf(cluster))?.deleteCluster(cluster.sandboxClusterId).catch(() => undefined);
  }
}
