import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, methodNotAllowed, notFound } from "../errors";
import { nowIso } from "../names";
import { fmtKi, fmtMilli } from "../quantity";
import { parseLabelSelector } from "../selectors";
import { NODE, POD, RESOURCES, type ResourceType } from "../resources";
import { isObject, type KObject } from "../types";
import { nodeUsage, podUsage } from "../usage";
import { readJson, sendJson } from "./http";
import { allowed } from "./access";
import type { ClusterHandle } from "./cluster-handle";

const running = (p: KObject) => (p.status as { phase?: string } | undefined)?.phase === "Running";

function nodeMetrics(c: ClusterHandle, n: KObject, now: number) {
  const pods = [...(c.store.podsByNode.get(n.metadata.name!) ?? [])].map((e) => e.obj);
  const u = nodeUsage(n, pods, now);
  return {
    metadata: { name: n.metadata.name, creationTimestamp: nowIso(), labels: n.metadata.labels },
    timestamp: nowIso(),
    window: "20s",
    usage: { cpu: fmtMilli(u.cpu), memory: fmtKi(u.mem) },
  };
}

function podMetrics(p: KObject, now: number) {
  return {
    metadata: { name: p.metadata.name, namespace: p.metadata.namespace, creationTimestamp: nowIso(), labels: p.metadata.labels },
    timestamp: nowIso(),
    window: "20s",
    containers: podUsage(p, now).map((u) => ({ name: u.name, usage: { cpu: fmtMilli(u.cpu), memory: fmtKi(u.mem) } })),
  };
}

function accessReview(c: ClusterHandle, body: Record<string, unknown>) {
  const attrs = isObject(body.spec) && isObject(body.spec.resourceAttributes) ? body.spec.resourceAttributes : undefined;
  const resource = typeof attrs?.resource === "string" ? attrs.resource + (typeof attrs.subresource === "string" && attrs.subresource ? `/${attrs.subresource}` : "") : "";
  const group = typeof attrs?.group === "string" ? attrs.group : "";
  if (resource && !allowed(c, resource, group)) return { allowed: false, reason: `the sandbox token of this cluster may not use ${resource}` };
  return { allowed: true, reason: "sandbox cluster token is cluster-admin" };
}

function rulesReview(c: ClusterHandle) {
  const denied = c.opts.deniedResources.length > 0;
  const resources = denied ? RESOURCES.filter((r) => allowed(c, r.plural, r.group)).map((r) => r.plural) : ["*"];
  return {
    resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources }],
    nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
    incomplete: false,
  };
}

/** metrics.k8s.io and the authorization reviews: computed per request, never stored. */
export async function serveVirtual(
  c: ClusterHandle,
  req: IncomingMessage,
  res: ServerResponse,
  t: ResourceType,
  ns: string | undefined,
  name: string | undefined,
  q: URLSearchParams,
): Promise<string> {
  const method = req.method ?? "GET";
  if (t.virtual === "review") {
    if (method !== "POST" || name) throw methodNotAllowed("the server does not allow this method on the requested resource");
    const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: t.kind });
    if (!isObject(body)) throw new ApiError(400, "BadRequest", "the body of the request must be a JSON object");
    // A cluster token is the cluster's administrator unless the cluster denies it resources.
    const status = t.kind === "SelfSubjectAccessReview" ? accessReview(c, body) : rulesReview(c);
    sendJson(res, 201, { ...body, kind: t.kind, apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null }, status });
    return "create";
  }
  if (method !== "GET") throw methodNotAllowed("the server does not allow this method on the requested resource");
  const now = Date.now();
  const label = parseLabelSelector(q.get("labelSelector"));
  if (t.kind === "NodeMetrics") {
    if (name) {
      const n = c.store.get(NODE, "", name);
      if (!n) throw notFound("nodes", "metrics.k8s.io", name);
      return (sendJson(res, 200, { kind: "NodeMetrics", apiVersion: "metrics.k8s.io/v1beta1", ...nodeMetrics(c, n, now) }), "get");
    }
    const items = [...c.store.each(NODE)].filter((n) => label(n.metadata.labels)).map((n) => nodeMetrics(c, n, now));
    sendJson(res, 200, { kind: "NodeMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items });
    return "list";
  }
  if (name) {
    const p = c.store.get(POD, ns ?? "", name);
    if (!p || !running(p)) throw notFound("pods", "metrics.k8s.io", name);
    return (sendJson(res, 200, { kind: "PodMetrics", apiVersion: "metrics.k8s.io/v1beta1", ...podMetrics(p, now) }), "get");
  }
  const items = [...c.store.each(POD, ns)].filter((p) => running(p) && label(p.metadata.labels)).map((p) => podMetrics(p, now));
  sendJson(res, 200, { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items });
  return "list";
}
