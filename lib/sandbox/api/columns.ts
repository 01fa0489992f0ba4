import type { KObject } from "../types";
import { age } from "./age";

// kubectl get's columns for the kinds served beside the workloads, as kube-apiserver's table
// printers (pkg/printers/internalversion) print them.

type R = Record<string, unknown>;
export type Column = { name: string; type?: string; format?: string; priority?: number; cell: (o: KObject) => unknown };

const NAME: Column = { name: "Name", format: "name", cell: (o) => o.metadata.name };
const AGE: Column = { name: "Age", cell: (o) => age(o.metadata.creationTimestamp) };
const CREATED: Column = { name: "Created At", type: "date", cell: (o) => o.metadata.creationTimestamp };
const spec = (o: KObject) => (o.spec ?? {}) as R;
const list = (v: unknown): R[] => (Array.isArray(v) ? (v as R[]) : []);
const selector = (sel: unknown): string => {
  const s = (sel ?? {}) as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(",") : s.matchExpressions?.length ? "<expressions>" : "<none>";
};
const subjects = (o: KObject, kind: string) =>
  list(o.subjects)
    .filter((x) => x.kind === kind)
    .map((x) => (kind === "ServiceAccount" ? `${String(x.namespace ?? "")}/${String(x.name)}` : String(x.name)))
    .join(", ");
const binding: Column[] = [
  NAME,
  { name: "Role", cell: (o) => `${String((o.roleRef as R | undefined)?.kind ?? "")}/${String((o.roleRef as R | undefined)?.name ?? "")}` },
  AGE,
  { name: "Users", priority: 1, cell: (o) => subjects(o, "User") },
  { name: "Groups", priority: 1, cell: (o) => subjects(o, "Group") },
  { name: "ServiceAccounts", priority: 1, cell: (o) => subjects(o, "ServiceAccount") },
];

function hpaTargets(o: KObject): string {
  const metrics = list(spec(o).metrics);
  const parts = metrics.map((m) => {
    const r = (m.resource ?? {}) as { name?: string; target?: { averageUtilization?: number; averageValue?: string } };
    const target = r.target?.averageUtilization !== undefined ? `${r.target.averageUtilization}%` : (r.target?.averageValue ?? "<unknown>");
    return `${r.name ?? String(m.type)}: <unknown>/${target}`;
  });
  return parts.length ? parts.join(", ") : "<none>";
}

export const MORE_COLUMNS: Record<string, Column[]> = {
  "/serviceaccounts": [NAME, { name: "Secrets", type: "integer", cell: (o) => list(o.secrets).length }, AGE],
  "/persistentvolumeclaims": [
    NAME,
    { name: "Status", cell: (o) => (o.status as R | undefined)?.phase ?? "Pending" },
    { name: "Volume", cell: (o) => spec(o).volumeName ?? "" },
    { name: "Capacity", cell: (o) => ((o.status as R | undefined)?.capacity as R | undefined)?.storage ?? "" },
    { name: "Access Modes", cell: () => "" },
    { name: "StorageClass", cell: (o) => spec(o).storageClassName ?? "" },
    AGE,
    { name: "VolumeMode", priority: 1, cell: (o) => spec(o).volumeMode ?? "" },
  ],
  "/resourcequotas": [NAME, AGE, { name: "Request", cell: (o) => Object.entries((spec(o).hard ?? {}) as R).filter(([k]) => !k.startsWith("limits.")).map(([k, v]) => `${k}: 0/${String(v)}`).join(", ") }, { name: "Limit", cell: (o) => Object.entries((spec(o).hard ?? {}) as R).filter(([k]) => k.startsWith("limits.")).map(([k, v]) => `${k}: 0/${String(v)}`).join(", ") }],
  "/limitranges": [NAME, CREATED],
  "autoscaling/horizontalpodautoscalers": [
    NAME,
    { name: "Reference", cell: (o) => `${String((spec(o).scaleTargetRef as R | undefined)?.kind ?? "")}/${String((spec(o).scaleTargetRef as R | undefined)?.name ?? "")}` },
    { name: "Targets", cell: hpaTargets },
    { name: "MinPods", cell: (o) => String(spec(o).minReplicas ?? 1) },
    { name: "MaxPods", type: "integer", cell: (o) => spec(o).maxReplicas ?? 0 },
    { name: "Replicas", type: "integer", cell: (o) => (o.status as R | undefined)?.currentReplicas ?? 0 },
    AGE,
  ],
  "networking.k8s.io/networkpolicies": [NAME, { name: "Pod-Selector", cell: (o) => (selector(spec(o).podSelector) === "<none>" ? "<none>" : selector(spec(o).podSelector)) }, AGE],
  "networking.k8s.io/ingresses": [
    NAME,
    { name: "Class", cell: (o) => spec(o).ingressClassName ?? "<none>" },
    { name: "Hosts", cell: (o) => list(spec(o).rules).map((r) => r.host ?? "*").join(",") || "*" },
    { name: "Address", cell: () => "" },
    { name: "Ports", cell: (o) => (list(spec(o).tls).length ? "80, 443" : "80") },
    AGE,
  ],
  "storage.k8s.io/storageclasses": [
    { ...NAME, cell: (o) => `${o.metadata.name}${o.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true" ? " (default)" : ""}` },
    { name: "Provisioner", cell: (o) => o.provisioner },
    { name: "ReclaimPolicy", cell: (o) => o.reclaimPolicy },
    { name: "VolumeBindingMode", cell: (o) => o.volumeBindingMode },
    { name: "AllowVolumeExpansion", type: "boolean", cell: (o) => o.allowVolumeExpansion === true },
    AGE,
  ],
  "scheduling.k8s.io/priorityclasses": [NAME, { name: "Value", type: "integer", cell: (o) => o.value }, { name: "Global-Default", type: "boolean", cell: (o) => o.globalDefault === true }, AGE, { name: "PreemptionPolicy", cell: (o) => o.preemptionPolicy }],
  "rbac.authorization.k8s.io/roles": [NAME, CREATED],
  "rbac.authorization.k8s.io/clusterroles": [NAME, CREATED],
  "rbac.authorization.k8s.io/rolebindings": binding,
  "rbac.authorization.k8s.io/clusterrolebindings": binding,
};
