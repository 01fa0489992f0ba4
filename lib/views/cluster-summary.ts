import type { KubeClient } from "@/lib/kube";
import type { Condition, ListJson, NodeJson, PodJson } from "./kube-json";
import { cpuMillis, memBytes, podRequests } from "./quantity";
import { workloadKey, workloadOf } from "./workload";

export interface NodeSummary {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  conditions: Condition[];
  taints: { key: string; value?: string; effect: string }[];
  zone?: string;
  allocatable: { cpu: number; mem: number; pods: number };
  requested: { cpu: number; mem: number };
  pods: number;
}

export interface WorkloadSummary {
  namespace: string;
  kind: string;
  name: string;
  pods: number;
  phases: Record<string, number>;
  /** Pods of this workload per node name. */
  nodes: Record<string, number>;
}

/** Everything the overview, nodes, namespaces and graph pages draw, derived from one pass over the pods. */
export interface ClusterSummary {
  nodes: NodeSummary[];
  podsTotal: number;
  phases: Record<string, number>;
  namespaces: Record<string, { pods: number; phases: Record<string, number> }>;
  workloads: WorkloadSummary[];
}

// Pods are read in pages: the full list of 100,000 pods is hundreds of megabytes of JSON,
// which should never sit in memory at once.
const PAGE = 5_000;

/** Reads nodes and all pods (paged) and folds them into a summary. */
export async function readClusterSummary(kube: KubeClient): Promise<ClusterSummary> {
  const nodeList = await kube.raw.getJson<ListJson<NodeJson>>("/api/v1/nodes");
  const nodes = new Map<string, NodeSummary>();
  for (const n of nodeList.items) {
    const conditions = (n.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) }));
    const alloc = n.status?.allocatable ?? {};
    nodes.set(n.metadata.name, {
      name: n.metadata.name,
      ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
      unschedulable: n.spec?.unschedulable === true,
      conditions,
      taints: n.spec?.taints ?? [],
      ...(n.metadata.labels?.["topology.kubernetes.io/zone"] ? { zone: n.metadata.labels["topology.kubernetes.io/zone"] } : {}),
      allocatable: { cpu: cpuMillis(alloc.cpu), mem: memBytes(alloc.memory), pods: Number(alloc.pods ?? 0) || 0 },
      requested: { cpu: 0, mem: 0 },
      pods: 0,
    });
  }
  const phases: Record<string, number> = {};
  const namespaces: ClusterSummary["namespaces"] = {};
  const workloads = new Map<string, WorkloadSummary>();
  let podsTotal = 0;
  let cont: string | undefined;
  do {
    const page = await kube.raw.getJson<ListJson<PodJson>>("/api/v1/pods", { limit: PAGE, continue: cont });
    for (const p of page.items) {
      podsTotal++;
      const phase = p.status?.phase ?? "Unknown";
      const ns = p.metadata.namespace ?? "";
      phases[phase] = (phases[phase] ?? 0) + 1;
      const nsEntry = (namespaces[ns] ??= { pods: 0, phases: {} });
      nsEntry.pods++;
      nsEntry.phases[phase] = (nsEntry.phases[phase] ?? 0) + 1;
      const w = workloadOf(p.metadata);
      const wk = `${ns}/${workloadKey(w)}`;
      let wl = workloads.get(wk);
      if (!wl) workloads.set(wk, (wl = { namespace: ns, kind: w.kind, name: w.name, pods: 0, phases: {}, nodes: {} }));
      wl.pods++;
      wl.phases[phase] = (wl.phases[phase] ?? 0) + 1;
      const nodeName = p.spec?.nodeName;
      if (!nodeName) continue;
      wl.nodes[nodeName] = (wl.nodes[nodeName] ?? 0) + 1;
      const node = nodes.get(nodeName);
      // Finished pods hold no resources on their node.
      if (!node || phase === "Succeeded" || phase === "Failed") continue;
      const r = podRequests(p.spec?.containers);
      node.pods++;
      node.requested.cpu += r.cpu;
      node.requested.mem += r.mem;
    }
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return {
    nodes: [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name)),
    podsTotal,
    phases,
    namespaces,
    workloads: [...workloads.values()],
  };
}
