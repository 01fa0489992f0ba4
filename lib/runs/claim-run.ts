import { db, type Run } from "@/lib/db";
import type { RunCluster } from "./cluster-client";
import { runColumns } from "./run-columns";

export interface Claim {
  run: Run;
  /** The state the run was in before this worker took it. */
  from: "QUEUED" | "RUNNING" | "ROLLING_BACK";
  /** A fresh claim reads the run's cluster with it: null once the cluster is gone. */
  cluster?: RunCluster | null;
}

type ClaimedRow = Run & { clusterKind: RunCluster["kind"] | null; clusterUpdatedAt: Date | null } & Pick<
    RunCluster,
    "sandboxClusterId" | "sandboxShard" | "kubeconfigCiphertext" | "protectedNamespaces"
  >;

// A queued run becomes RUNNING and comes back with its cluster and its team's protected
// namespaces (the run's team as scope), in one statement: the common case of every run.
async function claimQueued(runId: string, workerId: string, at: Date): Promise<Claim | null> {
  const rows = await db.$queryRaw<ClaimedRow[]>`
    WITH r AS (
      UPDATE "Run" SET "state" = 'RUNNING', "workerId" = ${workerId}, "heartbeatAt" = ${at}::timestamp(3),
        "startedAt" = ${at}::timestamp(3), "attempt" = "attempt" + 1
      WHERE "id" = ${runId} AND "state" = 'QUEUED'
      RETURNING ${runColumns("")}
    ),
    a AS (
      INSERT INTO "AuditEvent" ("teamId", "action", "targetType", "targetId", "data", "at")
      SELECT r."teamId", 'run.state_changed', 'run', r."id", jsonb_build_object('state', 'RUNNING', 'from', 'QUEUED', 'attempt', r."attempt", 'workerId', ${workerId}::text), ${at}::timestamp(3)
      FROM r
    )
    SELECT ${runColumns("r")}, c."kind" AS "clusterKind", c."sandboxClusterId", c."sandboxShard", c."updatedAt" AS "clusterUpdatedAt",
      c."kubeconfigCiphertext", t."protectedNamespaces"
    FROM r
    LEFT JOIN "Cluster" c ON c."id" = r."clusterId" AND c."teamId" = r."teamId"
    LEFT JOIN "Team" t ON t."id" = c."teamId"`;
  const row = rows[0];
  if (!row) return null;
  const { clusterKind, sandboxClusterId, sandboxShard, clusterUpdatedAt, kubeconfigCiphertext, protectedNamespaces, ...run } = row;
  const cluster =
    clusterKind && clusterUpdatedAt
      ? { id: run.clusterId, kind: clusterKind, sandboxClusterId, sandboxShard, updatedAt: clusterUpdatedAt, kubeconfigCiphertext, protectedNamespaces }
      : null;
  return { run, from: "QUEUED", cluster };
}

/**
 * Takes a run for this worker with one atomic conditional UPDATE: a queued run becomes
 * RUNNING, or a pending run whose heartbeat is older than staleMs changes hands. Two workers
 * racing for one run: PostgreSQL re-checks the condition after the first commit, so exactly
 * one wins. Returns null when the run is held, finished or gone.
 */
export async function claimRun(runId: string, workerId: string, staleMs: number): Promise<Claim | null> {
  const at = new Date();
  const fresh = await claimQueued(runId, workerId, at);
  if (fresh) return fresh;
  const before = await db.run.findUnique({ where: { id: runId }, select: { state: true } });
  if (before?.state !== "RUNNING" && before?.state !== "ROLLING_BACK") return null;
  const taken = await db.run.updateManyAndReturn({
    where: {
      id: runId,
      state: before.state,
      OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(at.getTime() - staleMs) } }],
    },
    data: { workerId, heartbeatAt: at, attempt: { increment: 1 } },
  });
  return taken[0] ? { run: taken[0], from: before.state } : null;
}
