import type { ResourceType } from "../resources";
import type { KObject } from "../types";
import { MORE_COLUMNS } from "./columns";
import { age } from "./age";

type Col = { name: string; type?: string; format?: string; priority?: number; cell: (o: KObject) => unknown };
type R = Record<string, unknown>;
const s = (o: KObject) => (o.spec ?? {}) as R;
const st = (o: KObject) => (o.status ?? {}) as R;
const n = (v: unknown) => (typeof v === "number" ? v : 0);


const NAME: Col = { name: "Name", format: "name", cell: (o) => o.metadata.name };
const AGE: Col = { name: "Age", cell: (o) => age(o.metadata.creationTimestamp) };

type ContainerStatus = { ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } };

/** The STATUS column of kubectl get pods. */
export function podStatus(o: KObject): string {
  if (o.metadata.deletionTimestamp) return "Terminating";
  const status = st(o);
  const cs = (status.containerStatuses ?? []) as ContainerStatus[];
  for (const c of cs) {
    if (c.state?.waiting?.reason && c.state.waiting.reason !== "") return c.state.waiting.reason;
    if (c.state?.terminated?.reason && status.phase !== "Running") return c.state.terminated.reason;
  }
  if (status.reason) return String(status.reason);
  if (status.phase === "Pending" && s(o).nodeName) return "ContainerCreating";
  return String(status.phase ?? "Pending");
}

const templateContainers = (o: KObject) => ((((s(o).template ?? {}) as R).spec ?? {}) as { containers?: { name?: string; image?: string }[] }).containers ?? [];

/** metav1.FormatLabelSelector: `k=v` pairs, then the expressions, or <none>. */
function formatSelector(sel: unknown): string {
  const x = (sel ?? {}) as { matchLabels?: R; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const parts = Object.entries(x.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of x.matchExpressions ?? []) {
    const op = { In: "in", NotIn: "notin" }[e.operator];
    if (op) parts.push(`${e.key} ${op} (${(e.values ?? []).join(",")})`);
    else parts.push(e.operator === "Exists" ? e.key : `!${e.key}`);
  }
  return parts.join(",") || "<none>";
}

const COLUMNS: Record<string, Col[]> = {
  "/pods": [
    NAME,
    {
      name: "Ready",
      cell: (o) => {
        const cs = (st(o).containerStatuses ?? []) as ContainerStatus[];
        const total = ((s(o).containers ?? []) as unknown[]).length;
        return `${cs.filter((c) => c.ready).length}/${total}`;
      },
    },
    { name: "Status", cell: podStatus },
    { name: "Restarts", type: "string", cell: (o) => String(((st(o).containerStatuses ?? []) as ContainerStatus[]).reduce((a, c) => a + n(c.restartCount), 0)) },
    AGE,
    { name: "IP", priority: 1, cell: (o) => st(o).podIP ?? "<none>" },
    { name: "Node", priority: 1, cell: (o) => s(o).nodeName ?? "<none>" },
    { name: "Nominated Node", priority: 1, cell: () => "<none>" },
    { name: "Readiness Gates", priority: 1, cell: () => "<none>" },
  ],
  "/nodes": [
    NAME,
    {
      name: "Status",
      cell: (o) => {
        const ready = ((st(o).conditions ?? []) as R[]).find((c) => c.type === "Ready");
        const base = ready?.status === "True" ? "Ready" : ready?.status === "False" ? "NotReady" : "Unknown";
        return s(o).unschedulable ? `${base},SchedulingDisabled` : base;
      },
    },
    {
      name: "Roles",
      cell: (o) =>
        Object.keys(o.metadata.labels ?? {})
          .filter((k) => k.startsWith("node-role.kubernetes.io/"))
          .map((k) => k.slice("node-role.kubernetes.io/".length))
          .join(",") || "<none>",
    },
    AGE,
    { name: "Version", cell: (o) => ((st(o).nodeInfo ?? {}) as R).kubeletVersion ?? "" },
    { name: "Internal-IP", priority: 1, cell: (o) => ((st(o).addresses ?? []) as R[]).find((a) => a.type === "InternalIP")?.address ?? "<none>" },
    { name: "External-IP", priority: 1, cell: () => "<none>" },
    { name: "OS-Image", priority: 1, cell: (o) => ((st(o).nodeInfo ?? {}) as R).osImage ?? "" },
    { name: "Kernel-Version", priority: 1, cell: (o) => ((st(o).nodeInfo ?? {}) as R).kernelVersion ?? "" },
    { name: "Container-Runtime", priority: 1, cell: (o) => ((st(o).nodeInfo ?? {}) as R).containerRuntimeVersion ?? "" },
  ],
  "apps/deployments": [
    NAME,
    { name: "Ready", cell: (o) => `${n(st(o).readyReplicas)}/${n(s(o).replicas)}` },
    { name: "Up-to-date", cell: (o) => n(st(o).updatedReplicas) },
    { name: "Available", cell: (o) => n(st(o).availableReplicas) },
    AGE,
    { name: "Containers", priority: 1, cell: (o) => templateContainers(o).map((c) => c.name).join(",") },
    { name: "Images", priority: 1, cell: (o) => templateContainers(o).map((c) => c.image).join(",") },
    { name: "Selector", priority: 1, cell: (o) => formatSelector(s(o).selector) },
  ],
  "apps/replicasets": [
    NAME,
    { name: "Desired", type: "integer", cell: (o) => n(s(o).replicas) },
    { name: "Current", type: "integer", cell: (o) => n(st(o).replicas) },
    { name: "Ready", type: "integer", cell: (o) => n(st(o).readyReplicas) },
    AGE,
  ],
  "apps/daemonsets": [
    NAME,
    { name: "Desired", type: "integer", cell: (o) => n(st(o).desiredNumberScheduled) },
    { name: "Current", type: "integer", cell: (o) => n(st(o).currentNumberScheduled) },
    { name: "Ready", type: "integer", cell: (o) => n(st(o).numberReady) },
    { name: "Up-to-date", type: "integer", cell: (o) => n(st(o).updatedNumberScheduled) },
    { name: "Available", type: "integer", cell: (o) => n(st(o).numberAvailable) },
    { name: "Node Selector", cell: (o) => Object.entries(((s(o).template as R)?.spec as R)?.nodeSelector ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(",") || "<none>" },
    AGE,
  ],
  "apps/statefulsets": [NAME, { name: "Ready", cell: (o) => `${n(st(o).readyReplicas)}/${n(s(o).replicas)}` }, AGE],
  "batch/jobs": [
    NAME,
    {
      name: "Status",
      cell: (o) => {
        const c = ((st(o).conditions ?? []) as R[]).find((x) => x.status === "True" && (x.type === "Complete" || x.type === "Failed"));
        return c ? String(c.type) : "Running";
      },
    },
    { name: "Completions", cell: (o) => `${n(st(o).succeeded)}/${n(s(o).completions)}` },
    {
      name: "Duration",
      cell: (o) => {
        const start = st(o).startTime as string | undefined;
        if (!start) return "";
        const end = st(o).completionTime as string | undefined;
        return age(start, end ? Date.parse(end) : Date.now());
      },
    },
    AGE,
  ],
  "/services": [
    NAME,
    { name: "Type", cell: (o) => s(o).type },
    { name: "Cluster-IP", cell: (o) => s(o).clusterIP ?? "<none>" },
    { name: "External-IP", cell: () => "<none>" },
    { name: "Port(s)", cell: (o) => ((s(o).ports ?? []) as R[]).map((p) => `${String(p.port)}/${String(p.protocol ?? "TCP")}`).join(",") || "<none>" },
    AGE,
    { name: "Selector", priority: 1, cell: (o) => Object.entries((s(o).selector ?? {}) as R).map(([k, v]) => `${k}=${String(v)}`).join(",") || "<none>" },
  ],
  "/namespaces": [NAME, { name: "Status", cell: (o) => st(o).phase ?? "Active" }, AGE],
  "/configmaps": [NAME, { name: "Data", type: "integer", cell: (o) => Object.keys((o.data ?? {}) as R).length }, AGE],
  "/secrets": [NAME, { name: "Type", cell: (o) => o.type ?? "Opaque" }, { name: "Data", type: "integer", cell: (o) => Object.keys((o.data ?? {}) as R).length }, AGE],
  "/endpoints": [
    NAME,
    {
      name: "Endpoints",
      cell: (o) => {
        const eps = ((o.subsets ?? []) as R[]).flatMap((ss) => ((ss.addresses ?? []) as R[]).flatMap((a) => ((ss.ports ?? []) as R[]).map((p) => `${String(a.ip)}:${String(p.port)}`)));
        return eps.length ? eps.slice(0, 3).join(",") + (eps.length > 3 ? ` + ${eps.length - 3} more...` : "") : "<none>";
      },
    },
    AGE,
  ],
  "policy/poddisruptionbudgets": [
    NAME,
    { name: "Min Available", cell: (o) => (s(o).minAvailable !== undefined ? String(s(o).minAvailable) : "N/A") },
    { name: "Max Unavailable", cell: (o) => (s(o).maxUnavailable !== undefined ? String(s(o).maxUnavailable) : "N/A") },
    { name: "Allowed Disruptions", type: "integer", cell: (o) => n(st(o).disruptionsAllowed) },
    AGE,
  ],
  "/events": [
    { name: "Last Seen", cell: (o) => age((o.lastTimestamp as string) ?? o.metadata.creationTimestamp) },
    { name: "Type", cell: (o) => o.type },
    { name: "Reason", cell: (o) => o.reason },
    { name: "Object", cell: (o) => { const io = (o.involvedObject ?? {}) as R; return `${String(io.kind ?? "").toLowerCase()}/${String(io.name ?? "")}`; } },
    { name: "Subobject", priority: 1, cell: (o) => ((o.involvedObject ?? {}) as R).fieldPath ?? "" },
    {
      name: "Source",
      priority: 1,
      cell: (o) => {
        const src = (o.source ?? {}) as R;
        const component = src.component ?? o.reportingComponent ?? "";
        const host = src.host ?? o.reportingInstance ?? "";
        return host ? `${String(component)}, ${String(host)}` : String(component);
      },
    },
    { name: "Message", cell: (o) => o.message },
    { name: "First Seen", priority: 1, cell: (o) => age((o.firstTimestamp as string) ?? (o.eventTime as string) ?? o.metadata.creationTimestamp) },
    { name: "Count", priority: 1, cell: (o) => n(o.count) || 1 },
    { name: "Name", format: "name", priority: 1, cell: (o) => o.metadata.name },
  ],
};

/** A meta.k8s.io/v1 Table of the objects, as kubectl get asks for. */
export function toTable(t: ResourceType, objs: KObject[], rv: string, include: string | null, extraMeta: R = {}) {
  const cols = COLUMNS[`${t.group}/${t.plural}`] ?? MORE_COLUMNS[`${t.group}/${t.plural}`] ?? [NAME, AGE];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion: rv, ...extraMeta },
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type ?? "string", format: c.format ?? "", description: c.name, priority: c.priority ?? 0 })),
    rows: objs.map((o) => ({
      cells: cols.map((c) => c.cell(o) ?? ""),
      object:
        include === "None"
          ? undefined
          : include === "Object"
            ? o
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
