import { selects } from "./selector";
import { SEVERITY_ORDER, type PdbJson, type Risk, type RiskInput, type TemplateSuggestion, type WorkloadJson } from "./types";

// The rules, each a pure function of what was read (unit-tested on crafted objects). One pass
// over the workloads; budgets are matched per namespace, so 10,000 workloads stay fast.

type Kind = "Deployment" | "StatefulSet";

interface Workload {
  kind: Kind;
  namespace: string;
  name: string;
  replicas: number;
  labels: Record<string, string>;
  /** "app=cart,tier=web" from matchLabels, or null when the selector has expressions only. */
  selector: string | null;
  json: WorkloadJson;
  /** Pods per node. */
  nodes: Record<string, number>;
}

function selectorText(w: WorkloadJson): string | null {
  const s = w.spec?.selector;
  const labels = Object.entries(s?.matchLabels ?? {});
  if (labels.length === 0 || (s?.matchExpressions?.length ?? 0) > 0) return null;
  return labels.map(([k, v]) => `${k}=${v}`).join(",");
}

/** The node with most of the workload's pods (ties: by name), or null when none is placed. */
function busiestNode(nodes: Record<string, number>): string | null {
  let best: string | null = null;
  for (const [n, c] of Object.entries(nodes)) if (best === null || c > nodes[best]! || (c === nodes[best] && n < best)) best = n;
  return best;
}

/** How many pods a budget lets go at once out of `replicas` (Kubernetes rounds percentages up). */
export function allowedDisruptions(pdb: PdbJson, replicas: number): number {
  const pct = (v: string) => Math.ceil((replicas * Number(v.slice(0, -1))) / 100);
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  if (minAvailable !== undefined) {
    const min = typeof minAvailable === "number" ? minAvailable : /^\d+%$/.test(minAvailable) ? pct(minAvailable) : Number(minAvailable);
    return Math.max(0, replicas - (Number.isFinite(min) ? min : 0));
  }
  if (maxUnavailable !== undefined) {
    const max = typeof maxUnavailable === "number" ? maxUnavailable : /^\d+%$/.test(maxUnavailable) ? pct(maxUnavailable) : Number(maxUnavailable);
    return Math.max(0, Number.isFinite(max) ? max : 0);
  }
  // Neither set: policy/v1 defaults to minAvailable 1.
  return Math.max(0, replicas - 1);
}

const ref = (w: Workload) => ({ kind: w.kind, name: w.name });
const label = (w: Workload) => `${w.namespace}/${w.name}`;

const nodeLost = (w: Workload, node: string | null, label: string, templateId = "node-lost"): TemplateSuggestion | null =>
  node && w.selector ? { templateId, label, params: { nodeName: node, podNamespace: w.namespace, podSelector: w.selector } } : null;

/** Its only replica gone for a while (a Deployment at zero; a StatefulSet's pod killed). */
function onlyReplicaLost(w: Workload, label: string): TemplateSuggestion | null {
  if (w.kind === "Deployment") return { templateId: "dependency-to-zero", label, params: { namespace: w.namespace, deployment: w.name, replicas: Math.max(1, w.replicas) } };
  return w.selector ? { templateId: "database-replica-lost", label, params: { namespace: w.namespace, statefulSet: w.name, labelSelector: w.selector, replicas: Math.max(1, w.replicas) } } : null;
}

function podLoss(w: Workload, label: string): TemplateSuggestion | null {
  if (!w.selector) return null;
  return w.kind === "Deployment"
    ? { templateId: "pod-kill-rounds", label, params: { namespace: w.namespace, deployment: w.name, labelSelector: w.selector, replicas: w.replicas } }
    : { templateId: "database-replica-lost", label, params: { namespace: w.namespace, statefulSet: w.name, labelSelector: w.selector, replicas: w.replicas } };
}

/**
 * The budgets that select a pod template's labels. Budgets are filed by namespace and by their
 * first matchLabels pair, so a workload looks only at those that could select it (10,000
 * workloads with a budget each stay linear, not 10,000 × 10,000 selector matches).
 */
function budgetIndex(pdbs: PdbJson[]): (namespace: string, labels: Record<string, string>) => PdbJson[] {
  const index = new Map<string, { byPair: Map<string, PdbJson[]>; other: PdbJson[] }>();
  for (const p of pdbs) {
    const ns = p.metadata.namespace ?? "";
    let entry = index.get(ns);
    if (!entry) index.set(ns, (entry = { byPair: new Map(), other: [] }));
    const first = Object.entries(p.spec?.selector?.matchLabels ?? {})[0];
    if (!first) entry.other.push(p);
    else {
      const key = `${first[0]}=${first[1]}`;
      const list = entry.byPair.get(key);
      if (list) list.push(p);
      else entry.byPair.set(key, [p]);
    }
  }
  return (namespace, labels) => {
    const entry = index.get(namespace);
    if (!entry) return [];
    const candidates = [...entry.other];
    for (const [k, v] of Object.entries(labels)) candidates.push(...(entry.byPair.get(`${k}=${v}`) ?? []));
    return candidates.filter((p) => selects(p.spec?.selector, labels));
  };
}

export function detectRisks(input: RiskInput): Risk[] {
  const risks: Risk[] = [];
  const budgetsOf = budgetIndex(input.pdbs);
  const zones = new Set(Object.values(input.nodeZones).filter(Boolean));
  const workloads: Workload[] = [];
  for (const [kind, list] of [["Deployment", input.deployments], ["StatefulSet", input.statefulSets]] as const) {
    for (const json of list) {
      const namespace = json.metadata.namespace ?? "";
      workloads.push({
        kind,
        namespace,
        name: json.metadata.name,
        replicas: json.spec?.replicas ?? 1,
        labels: json.spec?.template?.metadata?.labels ?? {},
        selector: selectorText(json),
        json,
        nodes: input.placement[`${namespace}/${kind}/${json.metadata.name}`] ?? {},
      });
    }
  }
  const byKey = new Map(workloads.map((w) => [`${w.namespace}/${w.kind}/${w.name}`, w]));

  for (const w of workloads) {
    // Scaled to zero on purpose: nothing runs, nothing to lose.
    if (w.replicas === 0) continue;
    if (w.replicas === 1) {
      risks.push({
        rule: "single-replica",
        severity: "high",
        namespace: w.namespace,
        objects: [ref(w)],
        title: `${label(w)} runs one replica`,
        why: "Whenever its pod goes (a deploy, a node drain, a crash) the service is down until a replacement is scheduled and Ready.",
        suggestion: onlyReplicaLost(w, "Take its only replica away and watch the page that needs it"),
      });
    } else {
      const budgets = budgetsOf(w.namespace, w.labels);
      const node = busiestNode(w.nodes);
      if (budgets.length === 0) {
        risks.push({
          rule: "no-pdb",
          severity: "medium",
          namespace: w.namespace,
          objects: [ref(w)],
          title: `${label(w)} has no PodDisruptionBudget`,
          why: `A node drain or an upgrade may evict all ${w.replicas} replicas at once: nothing tells the cluster how many must keep running.`,
          suggestion: nodeLost(w, node, "Drain the node that runs most of its pods"),
        });
      }
      for (const b of budgets) {
        if (allowedDisruptions(b, w.replicas) > 0) continue;
        risks.push({
          rule: "pdb-blocks-drain",
          severity: "high",
          namespace: w.namespace,
          objects: [ref(w), { kind: "PodDisruptionBudget", name: b.metadata.name }],
          title: `${label(w)}'s budget ${b.metadata.name} allows no disruption`,
          why: `With ${w.replicas} replicas and ${b.spec?.minAvailable !== undefined ? `minAvailable ${b.spec.minAvailable}` : `maxUnavailable ${b.spec?.maxUnavailable}`}, no pod may be evicted: every drain of a node running one of its pods waits until it times out, and upgrades stall.`,
          suggestion: nodeLost(w, node, "Drain a node it runs on: a blocked drain ends in error"),
        });
      }
      const nodes = Object.keys(w.nodes);
      const placed = Object.values(w.nodes).reduce((a, b) => a + b, 0);
      if (nodes.length === 1 && placed >= 2) {
        risks.push({
          rule: "one-node",
          severity: "high",
          namespace: w.namespace,
          objects: [ref(w), { kind: "Node", name: nodes[0]! }],
          title: `Every replica of ${label(w)} runs on ${nodes[0]}`,
          why: `Its ${w.replicas} replicas give no redundancy against that node failing or being drained; a topology spread constraint or pod anti-affinity would place them apart.`,
          suggestion: nodeLost(w, nodes[0]!, "Drain that node", "drain-under-budgets"),
        });
      } else if (nodes.length > 1 && zones.size > 1) {
        const podZones = new Set(nodes.map((n) => input.nodeZones[n]));
        const zone = [...podZones][0];
        if (podZones.size === 1 && zone) {
          risks.push({
            rule: "one-zone",
            severity: "medium",
            namespace: w.namespace,
            objects: [ref(w), { kind: "Zone", name: zone }],
            title: `Every replica of ${label(w)} runs in ${zone}`,
            why: "Losing that zone takes the whole workload down, although the cluster spans several zones; a zone topology spread constraint would place them apart.",
            suggestion: { templateId: "zone-lost", label: "Drain that zone", params: { zone } },
          });
        }
      }
    }
    const containers = w.json.spec?.template?.spec?.containers ?? [];
    const noProbe = containers.filter((c) => !c.readinessProbe).map((c) => c.name);
    if (noProbe.length > 0) {
      risks.push({
        rule: "no-readiness-probe",
        severity: "medium",
        namespace: w.namespace,
        objects: [ref(w)],
        title:
          noProbe.length === containers.length && containers.length > 1
            ? `${label(w)}: none of its containers has a readiness probe`
            : `${label(w)}: ${noProbe.join(", ")} ${noProbe.length === 1 ? "has" : "have"} no readiness probe`,
        why: "A pod gets traffic as soon as its containers start, before it can serve, and keeps getting it when it stops being able to: every restart shows as errors.",
        suggestion: podLoss(w, "Kill its pods in rounds and watch for errors while they restart"),
      });
    }
    const noRequests = containers.filter((c) => !c.resources?.requests?.cpu || !c.resources?.requests?.memory).map((c) => c.name);
    if (noRequests.length > 0) {
      risks.push({
        rule: "no-requests",
        severity: "low",
        namespace: w.namespace,
        objects: [ref(w)],
        title: `${label(w)}: ${noRequests.join(", ")} ${noRequests.length === 1 ? "has" : "have"} no CPU or memory request`,
        why: "The scheduler places its pods as if they cost nothing: nodes get overcommitted, and under pressure these pods are the first evicted.",
        suggestion:
          w.kind === "Deployment" && w.selector
            ? { templateId: "node-cordoned", label: "Make its pods restart with fewer nodes to land on", params: { namespace: w.namespace, deployment: w.name, labelSelector: w.selector, replicas: w.replicas } }
            : null,
      });
    }
  }

  for (const h of input.hpas) {
    const min = h.spec?.minReplicas ?? 1;
    if (min > 1) continue;
    const namespace = h.metadata.namespace ?? "";
    const target = h.spec?.scaleTargetRef;
    const w = target?.kind && target.name ? byKey.get(`${namespace}/${target.kind}/${target.name}`) : undefined;
    risks.push({
      rule: "hpa-min-one",
      severity: "medium",
      namespace,
      objects: [{ kind: "HorizontalPodAutoscaler", name: h.metadata.name }, ...(target?.kind && target.name ? [{ kind: target.kind, name: target.name }] : [])],
      title: `${namespace}/${h.metadata.name} may scale ${target?.name ?? "its target"} down to one replica`,
      why: "At quiet times the autoscaler leaves a single replica: one pod lost then is an outage, until the autoscaler and the scheduler catch up.",
      suggestion: w ? onlyReplicaLost(w, "Take away the one replica it may run at quiet times") : null,
    });
  }

  // Plain code-unit order (localeCompare costs more than the rules at 20,000 risks).
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return risks.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.namespace, b.namespace) || cmp(a.title, b.title));
}
