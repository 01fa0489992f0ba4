import type { ExperimentDefinition } from "@/lib/experiments";
import { mapSelectorMatcher, parseLabelSelector, type LabelMatcher } from "@/lib/sandbox/selectors";

// Which of a cluster's workloads the team's experiments exercise. A workload is covered when a
// fault step of an experiment targets it (its namespace and label selector select its pods, it
// is the deployment scaled, a node drained holds its pods) or a check watches it (a workload,
// Ready-pods or crash-loop check, an object-field check on it, an HTTP check through a service
// that selects its pods). Pure: the cluster side is read (and cached) by coverage-read.ts.

export interface CoverageWorkload {
  namespace: string;
  kind: string;
  name: string;
  /** The labels of its pods' template (one pod's labels stand for all). */
  labels: Record<string, string>;
  /** Nodes its pods run on. */
  nodes: string[];
}

export interface CoverageService {
  namespace: string;
  name: string;
  selector: Record<string, string> | null;
}

export interface CoverageExperiment {
  id: string;
  name: string;
  clusterId: string;
  definition: ExperimentDefinition;
}

export interface CoveredBy {
  experimentId: string;
  experimentName: string;
  /** What in it reaches the workload: "fault: Kill pods" or "check: cart available". */
  via: string;
}

export interface WorkloadCoverage {
  namespace: string;
  kind: string;
  name: string;
  coveredBy: CoveredBy[];
}

export interface NamespaceCoverage {
  namespace: string;
  workloads: number;
  covered: number;
}

export interface ClusterCoverage {
  workloads: WorkloadCoverage[];
  namespaces: NamespaceCoverage[];
  covered: number;
  total: number;
}

/** Namespaces of the control plane and the platform, left out of coverage: nobody tests them with an experiment. */
export const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "local-path-storage"]);

const safeSelector = (s: string): LabelMatcher => {
  try {
    return parseLabelSelector(s);
  } catch {
    return () => false;
  }
};

type Reach = (w: CoverageWorkload) => boolean;
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** What a fault step's parameters reach, read from the parameters the catalogue's actions share. */
function faultReach(params: Record<string, unknown>): Reach | null {
  const namespace = str(params.namespace);
  const selector = str(params.labelSelector);
  const name = str(params.name);
  const nodeName = str(params.nodeName);
  if (namespace && selector) {
    const match = safeSelector(selector);
    return (w) => w.namespace === namespace && match(w.labels);
  }
  // deployment-scale names its deployment.
  if (namespace && name) return (w) => w.namespace === namespace && w.kind === "Deployment" && w.name === name;
  if (namespace) return (w) => w.namespace === namespace;
  // Node faults (cordon, drain) reach what runs on the node.
  if (nodeName) return (w) => w.nodes.includes(nodeName);
  return null;
}

function checkReach(check: ExperimentDefinition["checks"][number], services: CoverageService[]): Reach | null {
  if (check.type === "http") {
    const t = check.target;
    if (t.kind !== "service") return null;
    const svc = services.find((s) => s.namespace === t.namespace && s.name === t.service);
    if (!svc?.selector || Object.keys(svc.selector).length === 0) return null;
    const match = mapSelectorMatcher(svc.selector);
    return (w) => w.namespace === t.namespace && match(w.labels);
  }
  if (check.type !== "kubernetes") return null;
  const c = check.check;
  switch (c.condition) {
    case "workload-available":
      return (w) => w.namespace === c.namespace && w.kind === c.workload && w.name === c.name;
    case "pods-ready":
    case "no-crash-loop": {
      const match = safeSelector(c.selector);
      return (w) => w.namespace === c.namespace && match(w.labels);
    }
    case "object-field":
      return (w) => w.kind === c.kind && w.name === c.name && (c.namespace === undefined || w.namespace === c.namespace);
    case "nodes-ready":
      return null;
  }
}

/** The coverage of one cluster's workloads by the experiments on that cluster. */
export function computeCoverage(workloads: CoverageWorkload[], services: CoverageService[], experiments: CoverageExperiment[]): ClusterCoverage {
  const reaches: { by: Omit<CoveredBy, "via">; via: string; reach: Reach }[] = [];
  for (const x of experiments) {
    const by = { experimentId: x.id, experimentName: x.name };
    for (const stage of x.definition.stages) {
      for (const fault of stage.faults) {
        const reach = faultReach((fault.params ?? {}) as Record<string, unknown>);
        if (reach) reaches.push({ by, via: `fault: ${fault.name ?? fault.actionId}`, reach });
      }
    }
    for (const check of x.definition.checks) {
      const reach = checkReach(check, services);
      if (reach) reaches.push({ by, via: `check: ${check.name}`, reach });
    }
  }
  const rows = workloads
    .filter((w) => !SYSTEM_NAMESPACES.has(w.namespace))
    .map((w): WorkloadCoverage => {
      const coveredBy: CoveredBy[] = [];
      for (const r of reaches) if (r.reach(w)) coveredBy.push({ ...r.by, via: r.via });
      return { namespace: w.namespace, kind: w.kind, name: w.name, coveredBy };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const byNs = new Map<string, NamespaceCoverage>();
  for (const w of rows) {
    const ns = byNs.get(w.namespace) ?? { namespace: w.namespace, workloads: 0, covered: 0 };
    ns.workloads++;
    if (w.coveredBy.length > 0) ns.covered++;
    byNs.set(w.namespace, ns);
  }
  const covered = rows.filter((w) => w.coveredBy.length > 0).length;
  return { workloads: rows, namespaces: [...byNs.values()], covered, total: rows.length };
}
