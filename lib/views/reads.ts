import { createHash } from "node:crypto";
import { KubeAccessError } from "@/lib/kube";
import { readClusterSummary, type ClusterSummary } from "./cluster-summary";
import type { EventJson, ListJson, NamespaceJson, PodJson, UsageJson } from "./kube-json";
import { toPodRow, type PodRow } from "./pod-rows";
import { cpuMillis, memBytes } from "./quantity";
import { cachedView, type Cached } from "./view-cache";
import { kubeOf, type ViewCluster } from "./view-cluster";
import type { EventFilters, PodFilters } from "./view-filters";
import { workloadKey, workloadOf } from "./workload";

// Every read of the cluster views, each through the shared cache under its own key.

const enc = encodeURIComponent;
const keyOf = (parts: unknown) => createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);

/** Nodes and a one-pass summary of all pods (the overview, nodes, namespaces and graph pages). */
export function clusterSummary(cluster: ViewCluster, force = false): Promise<Cached<ClusterSummary>> {
  // The summary lists every pod: it is kept a little longer than single pages.
  return cachedView(cluster.id, "summary", async () => readClusterSummary(await kubeOf(cluster)), { force, freshMs: 15_000, staleMs: 300_000 });
}

export type NodeUsage = { available: true; nodes: Record<string, { cpu: number; mem: number }> } | { available: false; reason: string };

/** Live node usage from metrics.k8s.io, or why there is none. */
export function nodeUsage(cluster: ViewCluster, force = false): Promise<Cached<NodeUsage>> {
  return cachedView(cluster.id, "node-usage", async (): Promise<NodeUsage> => {
    const kube = await kubeOf(cluster);
    try {
      const list = await kube.raw.getJson<ListJson<UsageJson>>("/apis/metrics.k8s.io/v1beta1/nodes");
      const nodes: Record<string, { cpu: number; mem: number }> = {};
      for (const n of list.items) nodes[n.metadata.name] = { cpu: cpuMillis(n.usage?.cpu), mem: memBytes(n.usage?.memory) };
      return { available: true, nodes };
    } catch (err) {
      if (err instanceof KubeAccessError && err.code === "not-found") {
        return { available: false, reason: "This cluster does not serve metrics.k8s.io (no metrics-server), so live usage is not shown." };
      }
      if (err instanceof KubeAccessError && err.code === "forbidden") {
        return { available: false, reason: "The credentials may not read metrics.k8s.io, so live usage is not shown." };
      }
      throw err;
    }
  }, { force });
}

export interface NamespaceRow {
  name: string;
  phase: string;
  createdAt: string | null;
}

export function namespaceList(cluster: ViewCluster, force = false): Promise<Cached<NamespaceRow[]>> {
  return cachedView(cluster.id, "namespaces", async () => {
    const list = await (await kubeOf(cluster)).raw.getJson<ListJson<NamespaceJson>>("/api/v1/namespaces");
    return list.items.map((n) => ({ name: n.metadata.name, phase: n.status?.phase ?? "Active", createdAt: n.metadata.creationTimestamp ?? null }));
  }, { force });
}

export interface EventRow {
  namespace: string;
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  last: string | null;
  source: string;
}

const EVENT_LIMIT = 300;

/** The newest events (at most 300), filtered by namespace and type on the server. */
export function eventList(cluster: ViewCluster, f: EventFilters, force = false): Promise<Cached<{ rows: EventRow[]; total: number }>> {
  return cachedView(cluster.id, `events:${keyOf(f)}`, async () => {
    const path = f.namespace ? `/api/v1/namespaces/${enc(f.namespace)}/events` : "/api/v1/events";
    const list = await (await kubeOf(cluster)).raw.getJson<ListJson<EventJson>>(path, { fieldSelector: f.type ? `type=${f.type}` : undefined });
    const rows = list.items.map((e) => ({
      namespace: e.metadata.namespace ?? "",
      type: e.type ?? "Normal",
      reason: e.reason ?? "",
      message: e.message ?? "",
      object: `${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}`,
      count: e.count ?? 1,
      last: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? null,
      source: e.source?.component ?? "",
    }));
    rows.sort((a, b) => (b.last ?? "").localeCompare(a.last ?? ""));
    return { rows: rows.slice(0, EVENT_LIMIT), total: rows.length };
  }, { force });
}

export interface PodPage {
  rows: PodRow[];
  continue: string | null;
  /** Pods after this page, when the server says. */
  remaining: number | null;
  /** With a name search: how many pods were looked through for this page. */
  scanned: number;
}

export const POD_PAGE_SIZE = 50;
// A name search reads pages of this size and keeps the matches, up to this many pages per view.
const SEARCH_CHUNK = 1_000;
const SEARCH_CHUNKS = 20;

/** One page of pods, paginated by the cluster itself (limit/continue). */
export function podPage(cluster: ViewCluster, f: PodFilters, force = false): Promise<Cached<PodPage>> {
  return cachedView(cluster.id, `pods:${keyOf(f)}`, async () => {
    const kube = await kubeOf(cluster);
    const path = f.namespace ? `/api/v1/namespaces/${enc(f.namespace)}/pods` : "/api/v1/pods";
    const fields = [f.phase ? `status.phase=${f.phase}` : "", f.node ? `spec.nodeName=${f.node}` : ""].filter(Boolean).join(",");
    const query = { labelSelector: f.labels, fieldSelector: fields || undefined };
    const needle = f.q?.toLowerCase();
    const rows: PodRow[] = [];
    let cont = f.continue;
    let scanned = 0;
    let remaining: number | null = null;
    for (let i = 0; i < (needle ? SEARCH_CHUNKS : 1); i++) {
      const page = await kube.raw.getJson<ListJson<PodJson>>(path, { ...query, limit: needle ? SEARCH_CHUNK : POD_PAGE_SIZE, continue: cont });
      scanned += page.items.length;
      for (const p of page.items) if (!needle || p.metadata.name.toLowerCase().includes(needle)) rows.push(toPodRow(p));
      cont = page.metadata?.continue || undefined;
      remaining = page.metadata?.remainingItemCount ?? null;
      if (!cont || rows.length >= POD_PAGE_SIZE) break;
    }
    return { rows, continue: cont ?? null, remaining, scanned };
  }, { force, freshMs: 5_000, staleMs: 60_000 });
}

export interface GraphPod {
  name: string;
  phase: string;
  node: string | null;
}

/** The pods of one workload (for the graph's expanded workload), from its namespace's list. */
export function workloadPods(cluster: ViewCluster, namespace: string, workload: string, force = false): Promise<Cached<GraphPod[]>> {
  return cachedView(cluster.id, `wpods:${keyOf([namespace, workload])}`, async () => {
    const kube = await kubeOf(cluster);
    const out: GraphPod[] = [];
    let cont: string | undefined;
    do {
      const page = await kube.raw.getJson<ListJson<PodJson>>(`/api/v1/namespaces/${enc(namespace)}/pods`, { limit: 5_000, continue: cont });
      for (const p of page.items) {
        if (workloadKey(workloadOf(p.metadata)) !== workload) continue;
        out.push({ name: p.metadata.name, phase: p.status?.phase ?? "Unknown", node: p.spec?.nodeName ?? null });
      }
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }, { force });
}
