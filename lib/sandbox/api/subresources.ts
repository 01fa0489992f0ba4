import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest, conflict, invalid, methodNotAllowed, notFound } from "../errors";
import { nowIso } from "../names";
import { pdbsFor, pdbState, podHealthy } from "../disruption";
import { clone, deleteObject, patchObject } from "../objects";
import { applyPatch } from "../patch";
import { managerOf, recordUpdate } from "../managed";
import { apiVersionOf, POD, type ResourceType } from "../resources";
import { isObject, type KObject } from "../types";
import { readJson, sendJson } from "./http";
import type { ClusterHandle } from "./cluster-handle";

const success = (code: number, details?: Record<string, unknown>) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code, ...(details ? { details } : {}) });

function toScale(o: KObject) {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const st = (o.status ?? {}) as { replicas?: number };
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    // replicas is omitted when 0, as Go's omitempty does.
    spec: spec.replicas ? { replicas: spec.replicas } : {},
    status: {
      replicas: st.replicas ?? 0,
      selector: Object.entries(spec.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    },
  };
}

/** Subresources other than status: scale, eviction, binding, log. */
export async function serveSubresource(
  c: ClusterHandle,
  req: IncomingMessage,
  res: ServerResponse,
  t: ResourceType,
  ns: string,
  name: string,
  sub: string,
  q: URLSearchParams,
): Promise<string> {
  const method = req.method ?? "GET";
  const obj = c.store.get(t, ns, name);
  if (!obj) throw notFound(t.plural, t.group, name);
  if (sub === "scale") {
    if (method === "GET") return (sendJson(res, 200, toScale(obj)), "get");
    const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: method === "PATCH" ? "patch" : "Scale" });
    let scale: unknown;
    if (method === "PUT") scale = body;
    else if (method === "PATCH") scale = applyPatch(req.headers["content-type"] ?? "", toScale(obj), body, "Scale", name);
    else throw methodNotAllowed("the server does not allow this method on the requested resource");
    const replicas = isObject(scale) && isObject(scale.spec) ? scale.spec.replicas : undefined;
    if (typeof replicas !== "number" || replicas < 0 || !Number.isInteger(replicas))
      throw invalid("Scale", "autoscaling", name, [{ field: "spec.replicas", message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0` }]);
    const srv = isObject(scale) && isObject(scale.metadata) ? scale.metadata.resourceVersion : undefined;
    if (method === "PUT" && typeof srv === "string" && srv && srv !== obj.metadata.resourceVersion) throw conflict(t.plural, t.group, name);
    const w = { manager: managerOf(q, req.headers["user-agent"]), apiVersion: apiVersionOf(t), subresource: "scale" };
    const next = patchObject(c, t, ns, name, "application/merge-patch+json", { spec: { replicas } }, undefined, false, (before, n) => recordUpdate(t, before, n, w));
    sendJson(res, 200, toScale(next));
    return "update";
  }
  if (t !== POD) throw notFound(t.plural, t.group, name);
  if (sub === "eviction") {
    if (method !== "POST") throw methodNotAllowed("the server does not allow this method on the requested resource");
    const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: "Eviction" });
    const opts = isObject(body) && isObject(body.deleteOptions) ? body.deleteOptions : {};
    const named = isObject(body) && isObject(body.metadata) ? body.metadata.name : undefined;
    if (typeof named === "string" && named !== "" && named !== name) throw badRequest("name in URL does not match name in Eviction object");
    evict(c, obj);
    if (q.get("dryRun") !== "All" && !(Array.isArray(opts.dryRun) && opts.dryRun.length)) {
      markDisruptionTarget(c, obj);
      deleteObject(c, POD, ns, name, {
        ...(typeof opts.gracePeriodSeconds === "number" ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
      });
    }
    sendJson(res, 201, success(201));
    return "create";
  }
  if (sub === "binding") {
    if (method !== "POST") throw methodNotAllowed("the server does not allow this method on the requested resource");
    const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: "Binding" });
    const target = isObject(body) && isObject(body.target) ? body.target.name : undefined;
    if (typeof target !== "string" || !target) throw badRequest("binding target name is required");
    if ((obj.spec as { nodeName?: string }).nodeName)
      throw new ApiError(409, "Conflict", `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${(obj.spec as { nodeName?: string }).nodeName}"`);
    const next = clone(obj);
    (next.spec as Record<string, unknown>).nodeName = target;
    c.store.put(POD, next);
    c.kick();
    sendJson(res, 201, success(201));
    return "create";
  }
  if (sub === "log") return serveLog(c, res, obj, q);
  if (sub === "exec" || sub === "attach" || sub === "portforward") {
    req.resume();
    throw badRequest(`${sub} is not available: the sandbox cluster simulates pods and runs no containers`);
  }
  throw notFound(t.plural, t.group, name);
}

/** The condition the eviction API sets on the pod it is about to delete (1.26+). */
function markDisruptionTarget(c: ClusterHandle, pod: KObject) {
  const next = clone(pod);
  const st = (next.status ??= {}) as { conditions?: Record<string, unknown>[] };
  st.conditions = [
    ...(st.conditions ?? []).filter((x) => x.type !== "DisruptionTarget"),
    { type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: nowIso(), reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" },
  ];
  c.store.put(POD, next);
}

/** Refuse an eviction that a PodDisruptionBudget forbids (429), as the eviction API does. */
export function evict(c: ClusterHandle, pod: KObject) {
  if (!podHealthy(pod)) return;
  for (const pdb of pdbsFor(c, pod)) {
    const s = pdbState(c, pdb);
    if (s.disruptionsAllowed < 1)
      throw new ApiError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", {
        causes: [{ reason: "DisruptionBudget", message: `The disruption budget ${pdb.metadata.name} needs ${s.desiredHealthy} healthy pods and has ${s.currentHealthy} currently` }],
      });
  }
}

function serveLog(c: ClusterHandle, res: ServerResponse, pod: KObject, q: URLSearchParams): string {
  const spec = pod.spec as { containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  const containers = (spec.containers ?? []).map((x) => x.name);
  const inits = (spec.initContainers ?? []).map((x) => x.name);
  const ephemeral = (spec.ephemeralContainers ?? []).map((x) => x.name);
  const others = [...inits, ...ephemeral];
  const container = q.get("container") ?? (containers.length === 1 ? containers[0] : undefined);
  const name = pod.metadata.name!;
  if (!container)
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]${inits.length ? ` or one of the init containers: [${inits.join(" ")}]` : ""}${ephemeral.length ? ` or one of the ephemeral containers: [${ephemeral.join(" ")}]` : ""}`);
  if (!containers.includes(container) && !others.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  // A pod on no node has no kubelet to ask: upstream answers 204 with nothing.
  if (!(pod.spec as { nodeName?: string }).nodeName) return (res.writeHead(204).end(), "get");
  const lines = c.logs.get(`${pod.metadata.uid}/${container}`);
  if (!lines) {
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${phase === "Pending" ? "ContainerCreating" : "PodInitializing"}`);
  }
  let out = lines;
  const tailParam = q.get("tailLines");
  const tail = tailParam === null ? -1 : Number(tailParam);
  if (tailParam !== null && !(tail >= 0)) throw invalid("PodLogOptions", "", name, [{ field: "tailLines", message: `Invalid value: ${tailParam}: must be greater than or equal to 0` }]);
  if (tail >= 0) out = out.slice(Math.max(0, out.length - tail));
  const ts = q.get("timestamps") === "true";
  const text = out.map((l) => (ts ? `${new Date().toISOString()} ${l}` : l)).join("\n") + (out.length ? "\n" : "");
  res.writeHead(200, { "Content-Type": "text/plain" }).end(text);
  return "get";
}
