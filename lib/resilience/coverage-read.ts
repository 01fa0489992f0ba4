import { db } from "@/lib/db";
import { definitionOf } from "@/lib/experiments";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { cachedView, explainViewError, findViewCluster } from "@/lib/views";
import type { ListJson, Meta, PodJson } from "@/lib/views/kube-json";
import { kubeOf, type ViewCluster } from "@/lib/views/view-cluster";
import { workloadKey, workloadOf } from "@/lib/views/workload";
import { computeCoverage, type ClusterCoverage, type CoverageService, type CoverageWorkload } from "./coverage";

// The cluster side of coverage: each workload with its pods' labels and nodes, and each
// service's selector, read through the cluster views' shared cache (one read of the pods per
// period whoever asks), then matched with the team's experiments on that cluster.

const PAGE = 5_000;
// Labels that differ pod to pod within one workload; left out so one pod stands for the rest.
const POD_LABELS = new Set(["pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index"]);

interface ServiceJson {
  metadata: Meta;
  spec?: { selector?: Record<string, string> };
}

export interface CoverageInventory {
  workloads: CoverageWorkload[];
  services: CoverageService[];
}

async function readInventory(cluster: ViewCluster): Promise<CoverageInventory> {
  const kube = await kubeOf(cluster);
  const workloads = new Map<string, CoverageWorkload & { nodeSet: Set<string> }>();
  let cont: string | undefined;
  do {
    const page = await kube.raw.getJson<ListJson<PodJson>>("/api/v1/pods", { limit: PAGE, continue: cont });
    for (const p of page.items) {
      const ns = p.metadata.namespace ?? "";
      const w = workloadOf(p.metadata);
      const key = `${ns}/${workloadKey(w)}`;
      let row = workloads.get(key);
      if (!row) {
        const labels = Object.fromEntries(Object.entries(p.metadata.labels ?? {}).filter(([k]) => !POD_LABELS.has(k)));
        workloads.set(key, (row = { namespace: ns, kind: w.kind, name: w.name, labels, nodes: [], nodeSet: new Set() }));
      }
      if (p.spec?.nodeName) row.nodeSet.add(p.spec.nodeName);
    }
    cont = page.metadata?.continue || undefined;
  } while (cont);
  const services = await kube.raw.getJson<ListJson<ServiceJson>>("/api/v1/services");
  return {
    workloads: [...workloads.values()].map(({ nodeSet, ...w }) => ({ ...w, nodes: [...nodeSet] })),
    services: services.items.map((s) => ({ namespace: s.metadata.namespace ?? "", name: s.metadata.name, selector: s.spec?.selector ?? null })),
  };
}

/** A cluster's workloads and services as coverage needs them, through the views' cache. */
export function coverageInventory(cluster: ViewCluster, force = false) {
  return cachedView(cluster.id, "coverage-inventory", () => readInventory(cluster), { force, freshMs: 30_000, staleMs: 300_000 });
}

export interface TeamClusterCoverage {
  clusterId: string;
  clusterName: string;
  /** When the cluster was read. */
  at: number;
  coverage: ClusterCoverage | null;
  /** Why the cluster could not be read, as a sentence. */
  error: string | null;
}

/** Coverage of every cluster of the team by the team's experiments on it. */
export async function teamCoverage(ctx: TeamContext): Promise<TeamClusterCoverage[]> {
  const [clusters, experiments] = await Promise.all([
    db.cluster.findMany({ where: scoped(ctx), select: { id: true }, orderBy: { name: "asc" } }),
    db.experiment.findMany({ where: scoped(ctx), select: { id: true, name: true, clusterId: true, definition: true } }),
  ]);
  return Promise.all(
    clusters.map(async ({ id }): Promise<TeamClusterCoverage | null> => {
      const cluster = await findViewCluster(ctx, id);
      if (!cluster) return null;
      const inv = await coverageInventory(cluster);
      const base = { clusterId: cluster.id, clusterName: cluster.name, at: inv.at };
      if (inv.error) return { ...base, coverage: null, error: ((e) => `${e.title}. ${e.detail}`)(explainViewError(inv.error, "its pods and services")) };
      const mine = experiments.filter((x) => x.clusterId === cluster.id).map((x) => ({ ...x, definition: definitionOf(x) }));
      return { ...base, coverage: computeCoverage(inv.data.workloads, inv.data.services, mine), error: null };
    }),
  ).then((rows) => rows.filter((r): r is TeamClusterCoverage => r !== null));
}
