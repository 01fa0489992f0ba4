import type { Cluster, Run, RunLog, RunStep } from "@/lib/db";
import { isPermanent } from "@/lib/runs";
import type { ShareLinkView } from "@/lib/share";

// Rows as the API shows them: dates as ISO strings, nothing the team must not see (no
// kubeconfig, no ciphertext, no worker bookkeeping).

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function clusterJson(c: Cluster) {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    status: c.status,
    statusMessage: c.statusMessage,
    serverHost: c.serverHost,
    kubernetesVersion: c.kubernetesVersion,
    nodeCount: c.nodeCount,
    permissions: (c.permissions ?? null) as Record<string, boolean> | null,
    lastCheckedAt: iso(c.lastCheckedAt),
    createdAt: c.createdAt.toISOString(),
  };
}

export function runJson(r: Run & { cluster: { id: string; name: string } }) {
  return {
    id: r.id,
    action: r.actionId,
    cluster: { id: r.cluster.id, name: r.cluster.name },
    state: r.state,
    finished: isPermanent(r.state),
    dryRun: r.dryRun,
    params: r.params,
    plan: r.plan ?? null,
    result: r.result ?? null,
    error: r.error,
    progress: r.progress,
    queuedAt: r.queuedAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    abortRequestedAt: iso(r.abortRequestedAt),
  };
}

export function stepJson(s: RunStep) {
  return {
    index: s.index,
    name: s.name,
    state: s.state,
    target: (s.target ?? null) as { kind: string; namespace?: string; name: string } | null,
    error: s.error,
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
  };
}

export function logJson(l: Pick<RunLog, "id" | "at" | "level" | "message">) {
  return { id: Number(l.id), at: l.at.toISOString(), level: l.level, message: l.message };
}

export function shareLinkJson(l: ShareLinkView, url?: string) {
  return {
    id: l.id,
    runId: l.runId,
    executionId: l.executionId,
    ...(url ? { url } : {}),
    createdAt: l.createdAt.toISOString(),
    expiresAt: iso(l.expiresAt),
    revokedAt: iso(l.revokedAt),
    lastViewedAt: iso(l.lastViewedAt),
    viewCount: l.viewCount,
    live: l.live,
  };
}
