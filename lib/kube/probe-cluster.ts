import type { V1SelfSubjectAccessReview, V1SubjectRulesReviewStatus } from "@kubernetes/client-node";
import type { KubeClient } from "./guarded-client";
import { KubeAccessError } from "./kube-access-error";

/** One question for SelfSubjectAccessReview; its key reads "delete pods", "create pods/eviction". */
export interface PermissionCheck {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
}

/**
 * What the fault actions need (every permission an action declares is asked; a test in
 * lib/clusters keeps the two lists together). Keys of `permissions` come from this list, in order.
 */
export const PROBED_PERMISSIONS: readonly PermissionCheck[] = [
  { verb: "list", resource: "pods" },
  { verb: "get", resource: "pods" },
  { verb: "create", resource: "pods" },
  { verb: "delete", resource: "pods" },
  { verb: "create", resource: "pods", subresource: "eviction" },
  { verb: "get", resource: "pods", subresource: "log" },
  { verb: "list", resource: "nodes" },
  { verb: "patch", resource: "nodes" },
  { verb: "get", group: "apps", resource: "deployments" },
  { verb: "patch", group: "apps", resource: "deployments" },
  { verb: "update", group: "apps", resource: "deployments", subresource: "scale" },
  { verb: "patch", group: "apps", resource: "deployments", subresource: "scale" },
  { verb: "create", group: "batch", resource: "jobs" },
  { verb: "get", group: "batch", resource: "jobs" },
  { verb: "delete", group: "batch", resource: "jobs" },
  { verb: "list", resource: "events" },
  // The fault runner (lib/actions/faults): an ephemeral container in the target pod, a Lease
  // the run holds, and an account that may only read that Lease.
  { verb: "patch", resource: "pods", subresource: "ephemeralcontainers" },
  { verb: "get", resource: "namespaces" },
  { verb: "get", resource: "services" },
  { verb: "get", resource: "configmaps" },
  { verb: "get", group: "coordination.k8s.io", resource: "leases" },
  { verb: "create", group: "coordination.k8s.io", resource: "leases" },
  { verb: "update", group: "coordination.k8s.io", resource: "leases" },
  { verb: "delete", group: "coordination.k8s.io", resource: "leases" },
  { verb: "create", resource: "serviceaccounts" },
  { verb: "delete", resource: "serviceaccounts" },
  { verb: "create", resource: "serviceaccounts", subresource: "token" },
  { verb: "create", group: "rbac.authorization.k8s.io", resource: "roles" },
  { verb: "delete", group: "rbac.authorization.k8s.io", resource: "roles" },
  { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings" },
  { verb: "delete", group: "rbac.authorization.k8s.io", resource: "rolebindings" },
];

export function permissionKey(c: PermissionCheck): string {
  return `${c.verb} ${c.resource}${c.subresource ? `/${c.subresource}` : ""}`;
}

export interface ClusterProbe {
  /** `gitVersion` from /version, e.g. "v1.31.2". */
  version: string;
  /** Nodes visible to the credentials; null when listing nodes is not allowed. */
  nodeCount: number | null;
  /** `"<verb> <resource>[/<subresource>]"` → allowed, cluster-wide or in `namespace`. */
  permissions: Record<string, boolean>;
  /** Where namespaced permissions were asked: the context's namespace, or all namespaces. */
  namespace: string | null;
  /** SelfSubjectRulesReview summary for `namespace` (or "default"), when the server has it. */
  rules: { namespace: string; resourceRules: number; incomplete: boolean } | null;
}

/**
 * Asks a cluster what it is and what these credentials may do ("Test connection" and the
 * cluster page). Throws `KubeAccessError` when the server cannot be reached or rejects the
 * credentials outright; a denied question is an answer (false), not an error.
 */
export async function probeCluster(
  client: KubeClient,
  options: { namespace?: string } = {},
): Promise<ClusterProbe> {
  const version = await client.version.getCode();
  const namespace = options.namespace ?? client.namespace ?? null;
  const askEach = () => Promise.all(PROBED_PERMISSIONS.map((c) => allowed(client, c, namespace)));
  const review = rulesReview(client, namespace ?? "default");
  const [nodeCount, answers, rules] = await Promise.all([
    countNodes(client),
    // A sandbox cluster's rules review is the sandbox's own authorizer, complete and the same in
    // every namespace: when it grants everything, so would each access review, and asking
    // them one by one was most of the cost of checking a new trial's cluster.
    client.kind === "sandbox" ? review.then((r) => (grantsEverything(r) ? PROBED_PERMISSIONS.map(() => true) : askEach())) : askEach(),
    review.then((r) => (r ? { namespace: namespace ?? "default", resourceRules: r.resourceRules.length, incomplete: r.incomplete } : null)),
  ]);
  const permissions: Record<string, boolean> = {};
  PROBED_PERMISSIONS.forEach((c, i) => (permissions[permissionKey(c)] = answers[i]!));
  return { version: version.gitVersion, nodeCount, permissions, namespace, rules };
}

// RBAC's wildcards: a rule with every verb, API group and resource allows any request.
function grantsEverything(review: V1SubjectRulesReviewStatus | null): boolean {
  return review !== null && !review.incomplete && review.resourceRules.some((r) => r.verbs.includes("*") && (r.apiGroups ?? []).includes("*") && (r.resources ?? []).includes("*"));
}

async function countNodes(client: KubeClient): Promise<number | null> {
  let count = 0;
  let cont: string | undefined;
  try {
    do {
      const page = await client.core.listNode({ limit: 500, ...(cont ? { _continue: cont } : {}) });
      count += page.items.length;
      cont = page.metadata?._continue || undefined;
    } while (cont);
    return count;
  } catch (err) {
    if (err instanceof KubeAccessError && err.code === "forbidden") return null;
    throw err;
  }
}

/**
 * One SelfSubjectAccessReview: may these credentials do `c` (in `namespace`, or cluster-wide when
 * null)? A refusal to answer counts as no.
 */
export async function reviewAccess(client: KubeClient, c: PermissionCheck, namespace: string | null): Promise<boolean> {
  return allowed(client, c, namespace);
}

async function allowed(client: KubeClient, c: PermissionCheck, namespace: string | null): Promise<boolean> {
  const body: V1SelfSubjectAccessReview = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: {
      resourceAttributes: {
        verb: c.verb,
        resource: c.resource,
        ...(c.group ? { group: c.group } : {}),
        ...(c.subresource ? { subresource: c.subresource } : {}),
        ...(namespace && c.resource !== "nodes" ? { namespace } : {}),
      },
    },
  };
  try {
    const review = await client.authz.createSelfSubjectAccessReview({ body });
    return review.status?.allowed === true;
  } catch (err) {
    // Not being allowed to ask is the same answer, for the page, as being told no.
    if (err instanceof KubeAccessError && err.code === "forbidden") return false;
    throw err;
  }
}

async function rulesReview(client: KubeClient, namespace: string): Promise<V1SubjectRulesReviewStatus | null> {
  try {
    const review = await client.authz.createSelfSubjectRulesReview({
      body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace } },
    });
    return review.status ?? null;
  } catch (err) {
    if (err instanceof KubeAccessError && ["forbidden", "not-found", "invalid"].includes(err.code))
      return null;
    throw err;
  }
}
