import type { KubeClient } from "@/lib/kube";
import { KubeAccessError } from "@/lib/kube";
import { cachedView, clusterSummary, type Cached, type ClusterSummary, type ViewCluster } from "@/lib/views";
import { kubeOf } from "@/lib/views/view-cluster";
import { detectRisks } from "./rules";
import type { HpaJson, PdbJson, Risk, RiskInput, RiskRule, WorkloadJson } from "./types";

// Reading a cluster's risks: workloads, budgets and autoscalers are listed (paged), and where
// each workload's pods run comes from the cluster summary the other views already keep (one
// pass over every pod, cached), so the risks never list 100,000 pods a second time.

const PAGE = 5_000;

async function listAll<T>(kube: KubeClient, path: string): Promise<T[]> {
  const out: T[] = [];
  let cont: string | undefined;
  do {
    const page = await kube.raw.getJson<{ items: T[]; metadata?: { continue?: string } }>(path, { limit: PAGE, continue: cont });
    out.push(...page.items);
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return out;
}

/** An optional kind: a cluster without it (or credentials that may not list it) has none. */
async function listOptional<T>(kube: KubeClient, path: string): Promise<T[]> {
  try {
    return await listAll<T>(kube, path);
  } catch (err) {
    if (err instanceof KubeAccessError && (err.code === "not-found" || err.code === "forbidden")) return [];
    throw err;
  }
}

/** The rules' input from a cluster and its summary. */
export async function readRiskInput(kube: KubeClient, summary: ClusterSummary): Promise<RiskInput> {
  const [deployments, statefulSets, pdbs, hpas] = await Promise.all([
    listAll<WorkloadJson>(kube, "/apis/apps/v1/deployments"),
    listAll<WorkloadJson>(kube, "/apis/apps/v1/statefulsets"),
    listOptional<PdbJson>(kube, "/apis/policy/v1/poddisruptionbudgets"),
    listOptional<HpaJson>(kube, "/apis/autoscaling/v2/horizontalpodautoscalers"),
  ]);
  const placement: RiskInput["placement"] = {};
  for (const w of summary.workloads) if (w.kind === "Deployment" || w.kind === "StatefulSet") placement[`${w.namespace}/${w.kind}/${w.name}`] = w.nodes;
  return { deployments, statefulSets, pdbs, hpas, nodeZones: Object.fromEntries(summary.nodes.map((n) => [n.name, n.zone])), placement };
}

/** Kept per kind of risk: the view shows at most this many rows of one kind at once. */
export const RISKS_KEPT_PER_RULE = 200;

export interface ClusterRisks {
  /** The risks, most severe first, at most RISKS_KEPT_PER_RULE of each rule. */
  risks: Risk[];
  /** How many there are of each rule, all of them. */
  counts: Partial<Record<RiskRule, number>>;
  /** Workloads looked at (Deployments and StatefulSets). */
  workloads: number;
  /** When the pods' placement was read (the summary's time). */
  placementAt: number;
}

/**
 * A cluster's detected risks through the views' shared cache (key "risks"), kept as long as
 * the summary it reads. A summary that could not be read makes the risks fail the same way.
 */
export function clusterRisks(cluster: ViewCluster, force = false): Promise<Cached<ClusterRisks>> {
  return cachedView(
    cluster.id,
    "risks",
    async () => {
      const summary = await clusterSummary(cluster, force);
      if (summary.error) throw new KubeAccessError(summary.error.code, summary.error.message);
      const input = await readRiskInput(await kubeOf(cluster), summary.data);
      // 100,000 pods can make 20,000 risks of a few kinds: the cached value keeps the counts
      // and the first rows of each kind (what the view can show), not megabytes of repeats.
      const counts: ClusterRisks["counts"] = {};
      const risks = detectRisks(input).filter((r) => (counts[r.rule] = (counts[r.rule] ?? 0) + 1) <= RISKS_KEPT_PER_RULE);
      return { risks, counts, workloads: input.deployments.length + input.statefulSets.length, placementAt: summary.at };
    },
    { force, freshMs: 15_000, staleMs: 300_000 },
  );
}
