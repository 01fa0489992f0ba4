/** The resource types a virtual cluster serves, with what discovery reports about each. */
export interface ResourceType {
  group: string; // "" for core
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources: Subresource[];
  /** Served but not stored: computed on request (metrics, reviews). */
  virtual?: "metrics" | "review" | "view";
  /** Whether status is a separate subresource and metadata.generation tracks spec changes. */
  hasStatus: boolean;
}

export interface Subresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

const ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const status: Subresource = { name: "status", kind: "", verbs: ["get", "patch", "update"] };
const proxy = (kind: string): Subresource => ({ name: "proxy", kind, verbs: ["create", "delete", "get", "patch", "update"] });
const scale: Subresource = { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] };

function r(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    plural,
    kind,
    namespaced,
    singular: kind.toLowerCase(),
    verbs: ALL,
    subresources: [],
    hasStatus: false,
    ...extra,
  };
}

export const RESOURCES: readonly ResourceType[] = [
  r("", "v1", "namespaces", "Namespace", false, { shortNames: ["ns"], hasStatus: true, subresources: [status], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] }),
  r("", "v1", "nodes", "Node", false, { shortNames: ["no"], hasStatus: true, subresources: [status] }),
  r("", "v1", "pods", "Pod", true, {
    shortNames: ["po"],
    categories: ["all"],
    hasStatus: true,
    subresources: [
      status,
      { name: "binding", kind: "Binding", verbs: ["create"] },
      { name: "ephemeralcontainers", kind: "Pod", verbs: ["get", "patch", "update"] },
      { name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: ["create"] },
      { name: "log", kind: "Pod", verbs: ["get"] },
      { name: "exec", kind: "PodExecOptions", verbs: ["create", "get"] },
      { name: "attach", kind: "PodAttachOptions", verbs: ["create", "get"] },
      { name: "portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"] },
      proxy("PodProxyOptions"),
    ],
  }),
  r("", "v1", "services", "Service", true, { shortNames: ["svc"], categories: ["all"], hasStatus: true, subresources: [status, proxy("ServiceProxyOptions")] }),
  r("", "v1", "endpoints", "Endpoints", true, { shortNames: ["ep"], singular: "endpoints" }),
  r("", "v1", "events", "Event", true, { shortNames: ["ev"] }),
  r("", "v1", "configmaps", "ConfigMap", true, { shortNames: ["cm"] }),
  r("", "v1", "secrets", "Secret", true),
  r("", "v1", "serviceaccounts", "ServiceAccount", true, { shortNames: ["sa"], subresources: [{ name: "token", kind: "TokenRequest", group: "authentication.k8s.io", version: "v1", verbs: ["create"] }] }),
  r("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, { shortNames: ["pvc"], hasStatus: true, subresources: [status] }),
  r("", "v1", "resourcequotas", "ResourceQuota", true, { shortNames: ["quota"], hasStatus: true, subresources: [status] }),
  r("", "v1", "limitranges", "LimitRange", true, { shortNames: ["limits"] }),
  r("apps", "v1", "deployments", "Deployment", true, { shortNames: ["deploy"], categories: ["all"], hasStatus: true, subresources: [status, scale] }),
  r("apps", "v1", "replicasets", "ReplicaSet", true, { shortNames: ["rs"], categories: ["all"], hasStatus: true, subresources: [status, scale] }),
  r("apps", "v1", "daemonsets", "DaemonSet", true, { shortNames: ["ds"], categories: ["all"], hasStatus: true, subresources: [status] }),
  r("apps", "v1", "statefulsets", "StatefulSet", true, { shortNames: ["sts"], categories: ["all"], hasStatus: true, subresources: [status, scale] }),
  r("apps", "v1", "controllerrevisions", "ControllerRevision", true),
  r("batch", "v1", "jobs", "Job", true, { categories: ["all"], hasStatus: true, subresources: [status] }),
  r("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, { shortNames: ["pdb"], hasStatus: true, subresources: [status] }),
  r("coordination.k8s.io", "v1", "leases", "Lease", true),
  r("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, { shortNames: ["hpa"], categories: ["all"], hasStatus: true, subresources: [status] }),
  // autoscaling/v1 is a view of the stored v2 objects (lib/sandbox/api/autoscaling-v1.ts), which kubectl autoscale up to 1.32 writes.
  r("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, { shortNames: ["hpa"], categories: ["all"], hasStatus: true, subresources: [status], virtual: "view" }),
  r("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, { shortNames: ["netpol"] }),
  r("networking.k8s.io", "v1", "ingresses", "Ingress", true, { shortNames: ["ing"], hasStatus: true, subresources: [status] }),
  r("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, { shortNames: ["sc"] }),
  r("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, { shortNames: ["pc"] }),
  r("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
  r("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
  r("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
  r("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
  r("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false, { verbs: ["create"], virtual: "review" }),
  r("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false, { verbs: ["create"], virtual: "review" }),
  r("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false, { verbs: ["create"], virtual: "review" }),
  r("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", false, { verbs: ["get", "list"], virtual: "metrics" }),
  r("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true, { verbs: ["get", "list"], virtual: "metrics" }),
];

/** Key of a resource type inside the store: "pods", "apps/deployments". */
export const typeKey = (t: { group: string; plural: string }) => (t.group ? `${t.group}/${t.plural}` : t.plural);

const byPath = new Map<string, ResourceType>();
for (const t of RESOURCES) byPath.set(`${t.group}/${t.version}/${t.plural}`, t);

/** Look a resource type up by group, version and plural. */
export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

/** The resource type that stores objects of this apiVersion and kind. */
export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  const [g, v] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return RESOURCES.find((t) => t.group === g && t.version === v && t.kind === kind && !t.virtual);
}

export const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

// kube-apiserver's order of its groups in discovery; groups it does not list (metrics.k8s.io, an
// aggregated API) come after them.
const GROUP_ORDER = ["apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "flowcontrol.apiserver.k8s.io"];
const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);

/** Groups in discovery order, each with its versions, the preferred one first. */
export function groups(): { name: string; versions: string[] }[] {
  const seen = new Map<string, string[]>();
  for (const t of RESOURCES) {
    if (!t.group) continue;
    const vs = seen.get(t.group) ?? [];
    if (!vs.includes(t.version)) vs.push(t.version);
    seen.set(t.group, vs);
  }
  return [...seen].map(([name, versions]) => ({ name, versions })).sort((a, b) => rank(a.name) - rank(b.name));
}

export const POD = findResource("", "v1", "pods")!;
export const NODE = findResource("", "v1", "nodes")!;
export const NAMESPACE = findResource("", "v1", "namespaces")!;
export const SERVICE = findResource("", "v1", "services")!;
export const ENDPOINTS = findResource("", "v1", "endpoints")!;
export const EVENT = findResource("", "v1", "events")!;
export const DEPLOYMENT = findResource("apps", "v1", "deployments")!;
export const REPLICASET = findResource("apps", "v1", "replicasets")!;
export const DAEMONSET = findResource("apps", "v1", "daemonsets")!;
export const STATEFULSET = findResource("apps", "v1", "statefulsets")!;
export const JOB = findResource("batch", "v1", "jobs")!;
export const PDB = findResource("policy", "v1", "poddisruptionbudgets")!;
export const LEASE = findResource("coordination.k8s.io", "v1", "leases")!;
export const CONFIGMAP = findResource("", "v1", "configmaps")!;
export const SECRET = findResource("", "v1", "secrets")!;
export const SERVICE_ACCOUNT = findResource("", "v1", "serviceaccounts")!;
export const HPA = findResource("autoscaling", "v2", "horizontalpodautoscalers")!;
export const PRIORITY_CLASS = findResource("scheduling.k8s.io", "v1", "priorityclasses")!;
