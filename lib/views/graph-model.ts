import type { ClusterSummary, WorkloadSummary } from "./cluster-summary";
import { plural } from "@/lib/text";
import type { RunTargets } from "./cluster-runs";
import type { GraphPod } from "./reads";
import type { GraphParams } from "./view-filters";

// The topology graph, aggregated so that it stays readable at 100,000 pods: namespaces, then
// the workloads of one namespace (or those matching a search), the pods of one workload, and
// the nodes they run on, busiest first, the rest folded into one "other nodes" item.

export type Column = "namespace" | "workload" | "pod" | "node";

export interface GraphItem {
  id: string;
  column: Column;
  label: string;
  detail: string;
  /** Where a click leads (expanding or collapsing); null for items with nowhere to go. */
  href: string | null;
  selected: boolean;
  hit: boolean;
  tone: "ok" | "warn" | "bad" | "muted";
}

export interface GraphEdge {
  from: string;
  to: string;
  weight: number;
}

export interface GraphModel {
  columns: Record<Column, GraphItem[]>;
  edges: GraphEdge[];
  /** How many were left out of each column (beyond the caps). */
  hidden: Record<Column, number>;
  hits: number;
}

const CAP = { namespace: 60, workload: 60, pod: 100, node: 30 } as const;

function toneOf(phases: Record<string, number>): GraphItem["tone"] {
  if (phases.Failed) return "bad";
  if (phases.Pending || phases.Unknown) return "warn";
  return "ok";
}

function href(base: string, p: Partial<GraphParams>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

/** Which workload a run's pod belonged to: the longest workload name its name starts with. */
function workloadOfHit(workloads: WorkloadSummary[], ns: string, pod: string): WorkloadSummary | undefined {
  let best: WorkloadSummary | undefined;
  for (const w of workloads) {
    if (w.namespace !== ns || !pod.startsWith(`${w.name}-`)) continue;
    if (!best || w.name.length > best.name.length) best = w;
  }
  return best;
}

export function buildGraph(base: string, s: ClusterSummary, p: GraphParams, pods: GraphPod[] | null, run: RunTargets | null): GraphModel {
  const keep = { q: p.q, run: p.run };
  const wid = (w: WorkloadSummary) => `w:${w.namespace}/${w.kind}/${w.name}`;
  const hitNs = new Set<string>();
  const hitW = new Set<string>();
  const hitPods = new Set<string>();
  const hitNodes = new Set<string>(run?.nodes ?? []);
  for (const t of run?.pods ?? []) {
    hitNs.add(t.namespace);
    hitPods.add(`${t.namespace}/${t.name}`);
    const w = workloadOfHit(s.workloads, t.namespace, t.name);
    if (w) hitW.add(wid(w));
  }
  for (const t of run?.workloads ?? []) {
    hitNs.add(t.namespace);
    hitW.add(`w:${t.namespace}/${t.kind}/${t.name}`);
  }

  const needle = p.q?.toLowerCase();
  const nsNames = Object.keys(s.namespaces).sort();
  const nsShown = nsNames.filter((n) => !needle || n.includes(needle) || n === p.ns || s.workloads.some((w) => w.namespace === n && w.name.toLowerCase().includes(needle)));
  const columns: GraphModel["columns"] = { namespace: [], workload: [], pod: [], node: [] };
  const hidden: GraphModel["hidden"] = { namespace: 0, workload: 0, pod: 0, node: 0 };
  const edges: GraphEdge[] = [];

  for (const n of nsShown.slice(0, CAP.namespace)) {
    const info = s.namespaces[n]!;
    columns.namespace.push({
      id: `n:${n}`,
      column: "namespace",
      label: n,
      detail: plural(info.pods, "pod"),
      href: href(base, { ...keep, ns: p.ns === n ? undefined : n }),
      selected: p.ns === n,
      hit: hitNs.has(n),
      tone: toneOf(info.phases),
    });
  }
  hidden.namespace = Math.max(0, nsShown.length - CAP.namespace);

  // Workloads: those of the open namespace, or with a search, the matches everywhere.
  const wlShown = s.workloads
    .filter((w) => (p.ns ? w.namespace === p.ns : Boolean(needle)) && (!needle || w.name.toLowerCase().includes(needle) || w.namespace === p.ns))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const wlVisible = wlShown.slice(0, CAP.workload);
  hidden.workload = wlShown.length - wlVisible.length;
  const openW = p.ns && p.w ? `w:${p.ns}/${p.w}` : null;
  for (const w of wlVisible) {
    const id = wid(w);
    const key = `${w.kind}/${w.name}`;
    columns.workload.push({
      id,
      column: "workload",
      label: w.name,
      detail: `${w.kind} · ${plural(w.pods, "pod")}`,
      href: href(base, { ...keep, ns: w.namespace, w: openW === id ? undefined : key }),
      selected: openW === id,
      hit: hitW.has(id),
      tone: toneOf(w.phases),
    });
    if (columns.namespace.some((n) => n.id === `n:${w.namespace}`)) edges.push({ from: `n:${w.namespace}`, to: id, weight: w.pods });
  }

  // Node weights come from the rightmost column that has items.
  const nodeWeight = new Map<string, Map<string, number>>();
  const addWeight = (from: string, node: string, n: number) => {
    let m = nodeWeight.get(node);
    if (!m) nodeWeight.set(node, (m = new Map()));
    m.set(from, (m.get(from) ?? 0) + n);
  };
  if (pods && openW) {
    for (const pod of pods.slice(0, CAP.pod)) {
      const id = `p:${p.ns}/${pod.name}`;
      columns.pod.push({
        id,
        column: "pod",
        label: pod.name,
        detail: `${pod.phase}${pod.node ? "" : " · not scheduled"}`,
        href: null,
        selected: false,
        hit: hitPods.has(`${p.ns}/${pod.name}`),
        tone: pod.phase === "Running" || pod.phase === "Succeeded" ? "ok" : pod.phase === "Failed" ? "bad" : "warn",
      });
      edges.push({ from: openW, to: id, weight: 1 });
      if (pod.node) addWeight(id, pod.node, 1);
    }
    hidden.pod = Math.max(0, pods.length - CAP.pod);
  } else if (wlVisible.length > 0) {
    for (const w of wlVisible) for (const [node, n] of Object.entries(w.nodes)) addWeight(wid(w), node, n);
  } else {
    const shown = new Set(columns.namespace.map((n) => n.label));
    for (const w of s.workloads) if (shown.has(w.namespace)) for (const [node, n] of Object.entries(w.nodes)) addWeight(`n:${w.namespace}`, node, n);
  }

  const nodeInfo = new Map(s.nodes.map((n) => [n.name, n]));
  const ranked = [...nodeWeight.entries()]
    .map(([node, from]) => ({ node, from, total: [...from.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => Number(hitNodes.has(b.node)) - Number(hitNodes.has(a.node)) || b.total - a.total || a.node.localeCompare(b.node));
  const top = ranked.slice(0, CAP.node);
  for (const r of top) {
    const info = nodeInfo.get(r.node);
    columns.node.push({
      id: `N:${r.node}`,
      column: "node",
      label: r.node,
      detail: `${plural(r.total, "pod")} here${info && !info.ready ? " · not ready" : ""}${info?.unschedulable ? " · cordoned" : ""}`,
      href: null,
      selected: false,
      hit: hitNodes.has(r.node),
      tone: !info || !info.ready ? "bad" : info.unschedulable ? "warn" : "ok",
    });
    for (const [from, n] of r.from) edges.push({ from, to: `N:${r.node}`, weight: n });
  }
  const rest = ranked.slice(CAP.node);
  hidden.node = rest.length;
  if (rest.length > 0) {
    const id = "N:*";
    const from = new Map<string, number>();
    let total = 0;
    for (const r of rest) {
      for (const [f, n] of r.from) {
        from.set(f, (from.get(f) ?? 0) + n);
        total += n;
      }
    }
    columns.node.push({ id, column: "node", label: `${plural(rest.length, "other node")}`, detail: plural(total, "pod"), href: null, selected: false, hit: false, tone: "muted" });
    for (const [f, n] of from) edges.push({ from: f, to: id, weight: n });
  }
  const hits = [...Object.values(columns)].flat().filter((i) => i.hit).length;
  return { columns, edges, hidden, hits };
}
