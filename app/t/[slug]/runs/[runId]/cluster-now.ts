import { describeKubeError, statusOf, type Target } from "@/lib/actions";
import { clientForCluster, type ClusterConnection } from "@/lib/clusters";

// What the objects a run hit look like in the cluster now, read through the guarded client:
// the "after" that a person checks (was the pod replaced, is the node schedulable again).
const MAX_TARGETS = 50;

interface PodJson {
  metadata?: { name?: string; creationTimestamp?: string; deletionTimestamp?: string };
  status?: { phase?: string };
}
interface NodeJson {
  spec?: { unschedulable?: boolean };
}
interface DeploymentJson {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

export interface ClusterNow {
  /** Per target ("Kind/namespace/name"): its state now, in a few words. */
  states: Record<string, string>;
  /** For pod kills: live pods matching the selector created since the run started (the replacements). */
  replacements?: { name: string; phase: string; createdAt: string }[];
  /** Why the cluster could not be read, if it could not. */
  error?: string;
}

export const targetKey = (t: Target) => `${t.kind}/${t.namespace ?? ""}/${t.name}`;
const seg = encodeURIComponent;

async function stateOf(raw: Awaited<ReturnType<typeof clientForCluster>>["raw"], t: Target): Promise<string | undefined> {
  try {
    if (t.kind === "Pod" && t.namespace) {
      const pod = await raw.getJson<PodJson>(`/api/v1/namespaces/${seg(t.namespace)}/pods/${seg(t.name)}`);
      return pod.metadata?.deletionTimestamp ? "terminating" : (pod.status?.phase?.toLowerCase() ?? "present");
    }
    if (t.kind === "Node") {
      const node = await raw.getJson<NodeJson>(`/api/v1/nodes/${seg(t.name)}`);
      return node.spec?.unschedulable ? "cordoned" : "schedulable";
    }
    if (t.kind === "Deployment" && t.namespace) {
      const d = await raw.getJson<DeploymentJson>(`/apis/apps/v1/namespaces/${seg(t.namespace)}/deployments/${seg(t.name)}`);
      return `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0} ready`;
    }
  } catch (err) {
    if (statusOf(err) === 404) return "gone";
    throw err;
  }
  return undefined;
}

/** Reads the targets (and, for a pod kill, the pods that replaced them) from the cluster now. */
export async function readClusterNow(
  cluster: ClusterConnection,
  run: { actionId: string; params: unknown; targets: Target[]; startedAt: Date | null },
): Promise<ClusterNow> {
  try {
    const { raw } = await clientForCluster(cluster);
    const targets = run.targets.slice(0, MAX_TARGETS);
    const found = await Promise.all(targets.map((t) => stateOf(raw, t)));
    const states: Record<string, string> = {};
    targets.forEach((t, i) => {
      if (found[i]) states[targetKey(t)] = found[i];
    });
    const p = run.params as { namespace?: unknown; labelSelector?: unknown } | null;
    if (run.actionId !== "pod-kill" || !run.startedAt || typeof p?.namespace !== "string" || typeof p.labelSelector !== "string") {
      return { states };
    }
    const hit = new Set(run.targets.map((t) => t.name));
    // creationTimestamp has whole seconds: compare with the start's second.
    const since = Math.floor(run.startedAt.getTime() / 1000) * 1000;
    const list = await raw.getJson<{ items: PodJson[] }>(`/api/v1/namespaces/${seg(p.namespace)}/pods`, { labelSelector: p.labelSelector });
    const replacements = list.items
      .filter((pod) => !pod.metadata?.deletionTimestamp && !hit.has(pod.metadata?.name ?? ""))
      .filter((pod) => Date.parse(pod.metadata?.creationTimestamp ?? "") >= since)
      .map((pod) => ({ name: pod.metadata?.name ?? "", phase: pod.status?.phase ?? "Unknown", createdAt: pod.metadata?.creationTimestamp ?? "" }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, MAX_TARGETS);
    return { states, replacements };
  } catch (err) {
    return { states: {}, error: describeKubeError(err) };
  }
}
