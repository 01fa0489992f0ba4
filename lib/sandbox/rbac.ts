import { ApiError, type FieldCause } from "./errors";
import type { Store } from "./store";
import { findResource, type ResourceType } from "./resources";
import { isObject, type KObject } from "./types";

// Role-based access control as kube-apiserver's RBAC authorizer decides it (no aggregation of
// ClusterRoles): a request is allowed when a ClusterRoleBinding, or a RoleBinding in the
// request's namespace, binds one of the user's names to a role with a rule that matches it.
// Members of system:masters are allowed everything, as upstream's privileged-group authorizer.

export const RBAC_GROUP = "rbac.authorization.k8s.io";

/** Who makes a request, as authentication (and impersonation) found them. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
  /** The cluster's own token: cluster-admin without asking RBAC (the sandbox's `access.deny` still applies). */
  admin?: boolean;
}

/** What is asked: a resource request (verb on group/resource[/subresource]) or a path. */
export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Binding {
  kind: "ClusterRoleBinding" | "RoleBinding";
  obj: KObject;
}

const ROLE = () => findResource(RBAC_GROUP, "v1", "roles")!;
const CLUSTER_ROLE = () => findResource(RBAC_GROUP, "v1", "clusterroles")!;
const ROLE_BINDING = () => findResource(RBAC_GROUP, "v1", "rolebindings")!;
const CLUSTER_ROLE_BINDING = () => findResource(RBAC_GROUP, "v1", "clusterrolebindings")!;

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

function subjectMatches(s: Subject, user: UserInfo, bindingNs: string): boolean {
  if (s.kind === "User") return s.name === user.name;
  if (s.kind === "Group") return s.name !== undefined && user.groups.includes(s.name);
  if (s.kind === "ServiceAccount") return user.name === `system:serviceaccount:${s.namespace || bindingNs}:${s.name}`;
  return false;
}

function describeSubject(s: Subject, bindingNs: string): string {
  if (s.kind === "ServiceAccount") return `ServiceAccount "${s.name}/${s.namespace || bindingNs}"`;
  return `${s.kind} "${s.name}"`;
}

const has = (list: string[] | undefined, v: string) => (list ?? []).some((x) => x === "*" || x === v);

function resourceMatches(rule: PolicyRule, resource: string, sub: string): boolean {
  const combined = sub ? `${resource}/${sub}` : resource;
  return (rule.resources ?? []).some((r) => r === "*" || r === combined || (sub !== "" && r === `*/${sub}`));
}

function nonResourceMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === "*" || u === path || (u.endsWith("*") && path.startsWith(u.slice(0, -1))));
}

/** Whether one rule allows the request (upstream's RuleAllows). */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return nonResourceMatches(rule, a.path);
  return (
    has(rule.apiGroups, a.apiGroup) &&
    resourceMatches(rule, a.resource, a.subresource) &&
    ((rule.resourceNames ?? []).length === 0 || (rule.resourceNames ?? []).includes(a.name))
  );
}

const rulesOf = (role: KObject | undefined): PolicyRule[] => (role && Array.isArray(role.rules) ? (role.rules as PolicyRule[]).filter(isObject) : []);

/** The role a binding refers to, when it exists. */
function roleOf(store: Store, b: Binding): { kind: string; name: string; rules: PolicyRule[] } | undefined {
  const ref = (isObject(b.obj.roleRef) ? b.obj.roleRef : {}) as { kind?: string; name?: string };
  if (!ref.name) return undefined;
  if (ref.kind === "ClusterRole") return { kind: "ClusterRole", name: ref.name, rules: rulesOf(store.get(CLUSTER_ROLE(), "", ref.name)) };
  if (ref.kind === "Role" && b.kind === "RoleBinding") return { kind: "Role", name: ref.name, rules: rulesOf(store.get(ROLE(), b.obj.metadata.namespace ?? "", ref.name)) };
  return undefined;
}

/** The bindings that name this user, cluster-wide first, then in the namespace. */
function* bindingsFor(store: Store, user: UserInfo, namespace: string): Generator<{ b: Binding; subject: Subject }> {
  const lists: Binding[] = [...store.each(CLUSTER_ROLE_BINDING())].map((obj) => ({ kind: "ClusterRoleBinding" as const, obj }));
  if (namespace) lists.push(...[...store.each(ROLE_BINDING(), namespace)].map((obj) => ({ kind: "RoleBinding" as const, obj })));
  for (const b of lists) {
    const ns = b.obj.metadata.namespace ?? "";
    const subjects = Array.isArray(b.obj.subjects) ? (b.obj.subjects as Subject[]) : [];
    const s = subjects.find((x) => isObject(x) && subjectMatches(x, user, ns));
    if (s) yield { b, subject: s };
  }
}

export interface Decision {
  allowed: boolean;
  reason?: string;
}

/** Decide a request as the RBAC authorizer does, with its reason for an allowed one. */
export function authorize(store: Store, a: Attributes): Decision {
  if (a.user.admin || a.user.groups.includes("system:masters")) return { allowed: true };
  for (const { b, subject } of bindingsFor(store, a.user, a.resourceRequest ? a.namespace : "")) {
    const role = roleOf(store, b);
    if (!role || !role.rules.some((r) => ruleAllows(a, r))) continue;
    const ns = b.obj.metadata.namespace;
    const name = b.kind === "RoleBinding" ? `${b.obj.metadata.name}/${ns}` : b.obj.metadata.name;
    return { allowed: true, reason: `RBAC: allowed by ${b.kind} "${name}" of ${role.kind} "${role.name}" to ${describeSubject(subject, ns ?? "")}` };
  }
  return { allowed: false };
}

/** The rules a user has in a namespace (SelfSubjectRulesReview), resource and non-resource apart. */
export function rulesFor(store: Store, user: UserInfo, namespace: string): { resourceRules: PolicyRule[]; nonResourceRules: PolicyRule[] } {
  const resourceRules: PolicyRule[] = [];
  const nonResourceRules: PolicyRule[] = [];
  for (const { b } of bindingsFor(store, user, namespace)) {
    for (const r of roleOf(store, b)?.rules ?? []) {
      if ((r.nonResourceURLs ?? []).length) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
      else resourceRules.push({ verbs: r.verbs, ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}), ...(r.resources ? { resources: r.resources } : {}), ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) });
    }
  }
  return { resourceRules, nonResourceRules };
}

/** The 403 of a refused request, in the API server's words (responsewriters.Forbidden). */
export function forbiddenFor(a: Attributes): ApiError {
  const who = `User ${JSON.stringify(a.user.name)}`;
  if (!a.resourceRequest) return new ApiError(403, "Forbidden", `forbidden: ${who} cannot ${a.verb} path ${JSON.stringify(a.path)}`, {});
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : "at the cluster scope";
  const why = `${who} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${scope}`;
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const message = a.name ? `${qualified} ${JSON.stringify(a.name)} is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return new ApiError(403, "Forbidden", message, { ...(a.name ? { name: a.name } : {}), ...(a.apiGroup ? { group: a.apiGroup } : {}), kind: a.resource });
}

// ---- validation and defaults of the RBAC kinds (pkg/apis/rbac/validation) ----

const goStrings = (v: unknown) => `[]string{${(Array.isArray(v) ? v : []).map((x) => JSON.stringify(String(x))).join(", ")}}`;

function ruleCauses(rules: unknown, namespaced: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  if (rules === undefined || rules === null) return out;
  if (!Array.isArray(rules)) return [{ field: "rules", message: "Invalid value: must be a list of rules" }];
  rules.forEach((raw, i) => {
    const r = (isObject(raw) ? raw : {}) as Record<string, unknown>;
    const len = (k: string) => (Array.isArray(r[k]) ? (r[k] as unknown[]).length : 0);
    const at = `rules[${i}]`;
    if (len("verbs") === 0) out.push({ field: `${at}.verbs`, message: "Required value: verbs must contain at least one value", reason: "FieldValueRequired" });
    if (len("nonResourceURLs") > 0) {
      if (namespaced) out.push({ field: `${at}.nonResourceURLs`, message: `Invalid value: ${goStrings(r.nonResourceURLs)}: namespaced rules cannot apply to non-resource URLs` });
      if (len("apiGroups") > 0 || len("resources") > 0 || len("resourceNames") > 0)
        out.push({ field: `${at}.nonResourceURLs`, message: `Invalid value: ${goStrings(r.nonResourceURLs)}: rules cannot apply to both regular resources and non-resource URLs` });
      return;
    }
    if (len("apiGroups") === 0) out.push({ field: `${at}.apiGroups`, message: "Required value: resource rules must supply at least one api group", reason: "FieldValueRequired" });
    if (len("resources") === 0) out.push({ field: `${at}.resources`, message: "Required value: resource rules must supply at least one resource", reason: "FieldValueRequired" });
  });
  return out;
}

const notSupported = (field: string, value: unknown, allowed: string[]): FieldCause => ({
  field,
  message: `Unsupported value: ${JSON.stringify(value ?? "")}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
  reason: "FieldValueNotSupported",
});

function bindingCauses(o: KObject, namespaced: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  const ref = (isObject(o.roleRef) ? o.roleRef : {}) as Record<string, unknown>;
  if (ref.apiGroup !== RBAC_GROUP) out.push(notSupported("roleRef.apiGroup", ref.apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!kinds.includes(String(ref.kind ?? ""))) out.push(notSupported("roleRef.kind", ref.kind, kinds));
  if (typeof ref.name !== "string" || !ref.name) out.push({ field: "roleRef.name", message: "Required value", reason: "FieldValueRequired" });
  const subjects = Array.isArray(o.subjects) ? o.subjects : [];
  subjects.forEach((raw, i) => {
    const s = (isObject(raw) ? raw : {}) as Record<string, unknown>;
    const at = `subjects[${i}]`;
    if (typeof s.name !== "string" || !s.name) out.push({ field: `${at}.name`, message: "Required value", reason: "FieldValueRequired" });
    if (s.kind === "ServiceAccount") {
      if (s.apiGroup) out.push(notSupported(`${at}.apiGroup`, s.apiGroup, [""]));
      if (!namespaced && !s.namespace) out.push({ field: `${at}.namespace`, message: "Required value", reason: "FieldValueRequired" });
    } else if (s.kind === "User" || s.kind === "Group") {
      if (s.apiGroup !== RBAC_GROUP) out.push(notSupported(`${at}.apiGroup`, s.apiGroup, [RBAC_GROUP]));
    } else out.push(notSupported(`${at}.kind`, s.kind, ["ServiceAccount", "User", "Group"]));
  });
  return out;
}

/** Causes for refusing an RBAC object (422), empty for other kinds. */
export function rbacCauses(t: ResourceType, o: KObject): FieldCause[] {
  if (t.group !== RBAC_GROUP) return [];
  if (t.plural === "roles" || t.plural === "clusterroles") return ruleCauses(o.rules, t.namespaced);
  return bindingCauses(o, t.namespaced);
}

/** The defaults of the v1 RBAC kinds: roleRef's and User/Group subjects' apiGroup. */
export function rbacDefaults(t: Pick<ResourceType, "plural">, o: KObject) {
  if (t.plural !== "rolebindings" && t.plural !== "clusterrolebindings") return;
  if (isObject(o.roleRef) && !o.roleRef.apiGroup) o.roleRef.apiGroup = RBAC_GROUP;
  if (Array.isArray(o.subjects))
    for (const s of o.subjects) if (isObject(s) && (s.kind === "User" || s.kind === "Group") && !s.apiGroup) s.apiGroup = RBAC_GROUP;
}

/** A binding's roleRef may not change (422 "cannot change roleRef"). */
export function rbacUpdateCauses(t: ResourceType, cur: KObject, next: KObject): FieldCause[] {
  if (t.plural !== "rolebindings" && t.plural !== "clusterrolebindings") return [];
  if (JSON.stringify(cur.roleRef) === JSON.stringify(next.roleRef)) return [];
  const r = (isObject(next.roleRef) ? next.roleRef : {}) as Record<string, unknown>;
  return [{ field: "roleRef", message: `Invalid value: rbac.RoleRef{APIGroup:${JSON.stringify(r.apiGroup ?? "")}, Kind:${JSON.stringify(r.kind ?? "")}, Name:${JSON.stringify(r.name ?? "")}}: cannot change roleRef` }];
}

// ---- the bootstrap policy every cluster starts with (a subset of upstream's) ----

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];

const VIEW_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"], verbs: READ },
  { apiGroups: [""], resources: ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"], verbs: READ },
  { apiGroups: [""], resources: ["namespaces"], verbs: READ },
  { apiGroups: ["apps"], resources: ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"], verbs: READ },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], verbs: READ },
  { apiGroups: ["batch"], resources: ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], verbs: READ },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingresses/status", "networkpolicies"], verbs: READ },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets", "poddisruptionbudgets/status"], verbs: READ },
];

const EDIT_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], verbs: READ },
  { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
  { apiGroups: [""], resources: ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], verbs: ["create", "delete", "deletecollection", "patch", "update"] },
  { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
  { apiGroups: [""], resources: ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"], verbs: WRITE },
  { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
  { apiGroups: ["apps"], resources: ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"], verbs: WRITE },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: WRITE },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: WRITE },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
  ...VIEW_RULES,
];

const ADMIN_RULES: PolicyRule[] = [
  { apiGroups: ["authorization.k8s.io"], resources: ["localsubjectaccessreviews"], verbs: ["create"] },
  { apiGroups: [RBAC_GROUP], resources: ["rolebindings", "roles"], verbs: [...WRITE, ...READ] },
  ...EDIT_RULES,
];

const DISCOVERY_URLS = ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"];
const PUBLIC_INFO_URLS = ["/healthz", "/livez", "/readyz", "/version", "/version/"];

function clusterRole(name: string, rules: PolicyRule[], at: string, aggregateTo?: string): KObject {
  const labels: Record<string, string> = { "kubernetes.io/bootstrapping": "rbac-defaults" };
  if (aggregateTo) labels[`rbac.authorization.k8s.io/aggregate-to-${aggregateTo}`] = "true";
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "ClusterRole",
    metadata: { name, labels, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" }, creationTimestamp: at },
    rules: rules.map((r) => ({ verbs: r.verbs, ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}), ...(r.resources ? { resources: r.resources } : {}), ...(r.nonResourceURLs ? { nonResourceURLs: r.nonResourceURLs } : {}) })),
  };
}

function clusterRoleBinding(name: string, role: string, subjects: Subject[], at: string): KObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name, labels: { "kubernetes.io/bootstrapping": "rbac-defaults" }, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" }, creationTimestamp: at },
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role },
    subjects: subjects.map((s) => ({ kind: s.kind, ...(s.kind === "ServiceAccount" ? {} : { apiGroup: RBAC_GROUP }), name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) })),
  };
}

/** The default ClusterRoles and ClusterRoleBindings of a new cluster. */
export function bootstrapPolicy(at: string): { roles: KObject[]; bindings: KObject[] } {
  const authenticated = { kind: "Group", name: "system:authenticated" };
  return {
    roles: [
      clusterRole("cluster-admin", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, { nonResourceURLs: ["*"], verbs: ["*"] }], at),
      clusterRole("admin", ADMIN_RULES, at),
      clusterRole("edit", EDIT_RULES, at, "admin"),
      clusterRole("view", VIEW_RULES, at, "edit"),
      clusterRole("system:basic-user", [{ apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], verbs: ["create"] }], at),
      clusterRole("system:discovery", [{ nonResourceURLs: DISCOVERY_URLS, verbs: ["get"] }], at),
      clusterRole("system:public-info-viewer", [{ nonResourceURLs: PUBLIC_INFO_URLS, verbs: ["get"] }], at),
      clusterRole("system:service-account-issuer-discovery", [{ nonResourceURLs: ["/.well-known/openid-configuration", "/openid/v1/jwks"], verbs: ["get"] }], at),
    ],
    bindings: [
      clusterRoleBinding("cluster-admin", "cluster-admin", [{ kind: "Group", name: "system:masters" }], at),
      clusterRoleBinding("system:basic-user", "system:basic-user", [authenticated], at),
      clusterRoleBinding("system:discovery", "system:discovery", [authenticated], at),
      clusterRoleBinding("system:public-info-viewer", "system:public-info-viewer", [authenticated, { kind: "Group", name: "system:unauthenticated" }], at),
      clusterRoleBinding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery", [{ kind: "Group", name: "system:serviceaccounts" }], at),
    ],
  };
}

export const RBAC_TYPES = { ROLE, CLUSTER_ROLE, ROLE_BINDING, CLUSTER_ROLE_BINDING };

// ---- escalation prevention (upstream's ConfirmNoEscalation and the bind/escalate verbs) ----

const quoted = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;
const compact = (r: PolicyRule) =>
  r.nonResourceURLs
    ? `{NonResourceURLs:${JSON.stringify(r.nonResourceURLs)}, Verbs:${JSON.stringify(r.verbs)}}`
    : `{APIGroups:${JSON.stringify(r.apiGroups)}, Resources:${JSON.stringify(r.resources)}${r.resourceNames?.length ? `, ResourceNames:${JSON.stringify(r.resourceNames)}` : ""}, Verbs:${JSON.stringify(r.verbs)}}`;

/** A rule broken into one verb, group, resource (and name) each, as upstream compares them. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs ?? []) {
    if (rule.nonResourceURLs?.length) {
      for (const u of rule.nonResourceURLs) out.push({ verbs: [verb], nonResourceURLs: [u] });
      continue;
    }
    for (const g of rule.apiGroups ?? [])
      for (const r of rule.resources ?? []) {
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const n of names) out.push({ verbs: [verb], apiGroups: [g], resources: [r], ...(n !== undefined ? { resourceNames: [n] } : {}) });
      }
  }
  return out;
}

function holds(store: Store, user: UserInfo, ns: string, r: PolicyRule): boolean {
  const base = { user, verb: r.verbs[0]!, apiVersion: "", namespace: ns };
  if (r.nonResourceURLs) return authorize(store, { ...base, resourceRequest: false, path: r.nonResourceURLs[0]!, apiGroup: "", resource: "", subresource: "", name: "" }).allowed;
  const [resource = "", sub = ""] = r.resources![0]!.split("/");
  return authorize(store, { ...base, resourceRequest: true, path: "", apiGroup: r.apiGroups![0]!, resource, subresource: sub, name: r.resourceNames?.[0] ?? "" }).allowed;
}

/**
 * Refuse a Role, ClusterRole or binding that would give more than its author holds (403, in
 * upstream's words), unless the author may `escalate` roles or `bind` the role referred to.
 */
export function checkEscalation(store: Store, user: UserInfo, t: ResourceType, o: KObject) {
  if (user.admin || user.groups.includes("system:masters")) return;
  const ns = t.namespaced ? (o.metadata.namespace ?? "") : "";
  const may = (verb: string, resource: string, name: string) =>
    authorize(store, { user, verb, resourceRequest: true, path: "", apiGroup: RBAC_GROUP, apiVersion: "v1", resource, subresource: "", namespace: ns, name }).allowed;
  let wanted: PolicyRule[];
  if (t.plural === "roles" || t.plural === "clusterroles") {
    if (may("escalate", t.plural, o.metadata.name ?? "")) return;
    wanted = rulesOf(o);
  } else {
    const ref = (isObject(o.roleRef) ? o.roleRef : {}) as { kind?: string; name?: string };
    const roleType = ref.kind === "Role" ? ROLE() : CLUSTER_ROLE();
    if (may("bind", roleType.plural, ref.name ?? "")) return;
    wanted = rulesOf(store.get(roleType, ref.kind === "Role" ? ns : "", ref.name ?? ""));
  }
  const missing = wanted.flatMap(breakdown).filter((r) => !holds(store, user, ns, r));
  if (missing.length === 0) return;
  throw new ApiError(
    403,
    "Forbidden",
    `${t.plural}.${RBAC_GROUP} ${JSON.stringify(o.metadata.name ?? "")} is forbidden: user ${JSON.stringify(user.name)} (groups=${quoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(compact).join("\n")}`,
    { name: o.metadata.name, group: RBAC_GROUP, kind: t.plural },
  );
}
