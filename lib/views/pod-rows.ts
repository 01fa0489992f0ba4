import type { PodJson } from "./kube-json";
import { workloadOf } from "./workload";

/** One row of the pods table: what people look at, nothing more. */
export interface PodRow {
  namespace: string;
  name: string;
  phase: string;
  /** The reason people care about more than the phase: CrashLoopBackOff, Terminating… */
  status: string;
  ready: string;
  restarts: number;
  node: string | null;
  createdAt: string | null;
  owner: { kind: string; name: string } | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Flattens a pod's JSON into a table row. */
export function toPodRow(p: PodJson): PodRow {
  const statuses = p.status?.containerStatuses ?? [];
  const phase = p.status?.phase ?? "Unknown";
  const waiting = statuses.map((s) => s.state?.waiting?.reason ?? s.state?.terminated?.reason).find(Boolean);
  const status = p.metadata.deletionTimestamp ? "Terminating" : (waiting ?? p.status?.reason ?? phase);
  const total = p.spec?.containers?.length ?? statuses.length;
  const owned = p.metadata.ownerReferences?.length ? workloadOf(p.metadata) : null;
  return {
    namespace: p.metadata.namespace ?? "",
    name: p.metadata.name,
    phase,
    status,
    ready: `${statuses.filter((s) => s.ready).length}/${total}`,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    node: p.spec?.nodeName ?? null,
    createdAt: p.metadata.creationTimestamp ?? null,
    owner: owned,
    labels: p.metadata.labels ?? {},
    annotations: p.metadata.annotations ?? {},
  };
}
