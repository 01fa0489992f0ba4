import { forbidden } from "../errors";
import type { ResourceType } from "../resources";
import type { ClusterHandle } from "./cluster-handle";

// What a virtual cluster's token may do and which API groups it serves: by default everything
// (the token is the cluster's administrator). A cluster created with `access.deny` answers 403
// on those resources, as RBAC would for a narrower kubeconfig; one created with
// `metricsServer: false` has no metrics.k8s.io, as a cluster without metrics-server.

const METRICS_GROUP = "metrics.k8s.io";

/** Whether the cluster serves this API group at all (discovery and requests). */
export function servesGroup(c: Pick<ClusterHandle, "opts">, group: string): boolean {
  return group !== METRICS_GROUP || c.opts.metricsServer;
}

/** Whether the token may use this resource; a denied resource's subresources are denied too. */
export function allowed(c: Pick<ClusterHandle, "opts">, resource: string, group: string): boolean {
  const plural = resource.split("/")[0]!;
  return !c.opts.deniedResources.some((d) => d === plural || d === `${plural}.${group}`);
}

/** The verb RBAC would check for this request. */
function verbOf(method: string, name: string | undefined, watch: boolean): string {
  if (method === "GET") return name !== undefined ? "get" : watch ? "watch" : "list";
  if (method === "DELETE") return name !== undefined ? "delete" : "deletecollection";
  return { POST: "create", PUT: "update", PATCH: "patch" }[method] ?? method.toLowerCase();
}

/** Refuses a request on a denied resource with the API server's 403 wording. */
export function checkAccess(c: ClusterHandle, t: ResourceType, req: { method: string; ns?: string; name?: string; watch: boolean }): void {
  if (allowed(c, t.plural, t.group)) return;
  const qualified = t.group ? `${t.plural}.${t.group}` : t.plural;
  const scope = req.ns ? `in the namespace "${req.ns}"` : "at the cluster scope";
  throw forbidden(`${qualified} is forbidden: User "sandbox" cannot ${verbOf(req.method, req.name, req.watch)} resource "${t.plural}" in API group "${t.group}" ${scope}`);
}
