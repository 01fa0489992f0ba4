import type { IncomingMessage, ServerResponse } from "node:http";
import { methodNotAllowed, notFound } from "../errors";
import { recordUpdate, type Writer } from "../managed";
import { clone, createObject, deleteObject, replaceObject } from "../objects";
import { applyPatch } from "../patch";
import { HPA } from "../resources";
import { parseLabelSelector } from "../selectors";
import { isObject, type KObject } from "../types";
import type { ClusterHandle } from "./cluster-handle";
import { readJson, sendJson } from "./http";

// autoscaling/v1 HorizontalPodAutoscalers: a view of the v2 objects the cluster stores, converted
// as upstream converts them (the CPU utilisation target is v1's only metric). A write through v1
// keeps the v2 object's other metrics and its behavior. Watches of v1 are not served (kubectl reads
// HPAs through v2, the preferred version); kubectl autoscale up to 1.32 creates through v1.

type Obj = Record<string, unknown>;
const V1 = "autoscaling/v1";

const isCpuUtilization = (m: unknown) => {
  const r = isObject(m) && m.type === "Resource" && isObject(m.resource) ? m.resource : undefined;
  return r?.name === "cpu" && isObject(r.target) && r.target.type === "Utilization";
};

/** A stored v2 HPA as autoscaling/v1 shows it. */
export function toV1(o: KObject): KObject {
  const spec = (o.spec ?? {}) as Obj;
  const status = (o.status ?? {}) as Obj;
  const cpu = (spec.metrics as unknown[] | undefined)?.find(isCpuUtilization) as { resource: { target: { averageUtilization?: number } } } | undefined;
  const current = (status.currentMetrics as unknown[] | undefined)?.find((m) => isObject(m) && m.type === "Resource" && isObject(m.resource) && m.resource.name === "cpu") as { resource?: { current?: { averageUtilization?: number } } } | undefined;
  const v1Status: Obj = {};
  for (const k of ["observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"]) if (status[k] !== undefined) v1Status[k] = status[k];
  if (current?.resource?.current?.averageUtilization !== undefined) v1Status.currentCPUUtilizationPercentage = current.resource.current.averageUtilization;
  v1Status.currentReplicas ??= 0;
  v1Status.desiredReplicas ??= 0;
  return {
    kind: "HorizontalPodAutoscaler",
    apiVersion: V1,
    metadata: o.metadata,
    spec: {
      scaleTargetRef: spec.scaleTargetRef,
      ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
      maxReplicas: spec.maxReplicas,
      ...(cpu?.resource.target.averageUtilization !== undefined ? { targetCPUUtilizationPercentage: cpu.resource.target.averageUtilization } : {}),
    },
    status: v1Status,
  };
}

/** A v1 HPA as the v2 object it stores, over the current one when there is one. */
function fromV1(v1: KObject, cur?: KObject): KObject {
  const spec = (v1.spec ?? {}) as Obj;
  const base = cur ? clone(cur) : ({ metadata: {}, spec: {} } as KObject);
  const next: KObject = { ...base, apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: v1.metadata };
  const others = ((base.spec?.metrics as unknown[] | undefined) ?? []).filter((m) => !isCpuUtilization(m));
  const target = spec.targetCPUUtilizationPercentage;
  const metrics = typeof target === "number" ? [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: target } } }, ...others] : others;
  next.spec = { ...(base.spec ?? {}), scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas, metrics };
  if (spec.minReplicas !== undefined) next.spec.minReplicas = spec.minReplicas;
  else delete next.spec.minReplicas;
  if (metrics.length === 0) delete next.spec.metrics;
  return next;
}

/** Requests of autoscaling/v1 horizontalpodautoscalers, served from the v2 store. */
export async function serveHpaV1(c: ClusterHandle, req: IncomingMessage, res: ServerResponse, ns: string | undefined, name: string | undefined, sub: string | undefined, q: URLSearchParams, w: Writer, dryRun: boolean): Promise<string> {
  const method = req.method ?? "GET";
  const onWrite = (before: KObject | undefined, next: KObject) => recordUpdate(HPA, before, next, { ...w, apiVersion: V1 });
  if (method === "GET" && name === undefined) {
    if (q.get("watch")) throw methodNotAllowed("watching autoscaling/v1 is not served here: watch autoscaling/v2");
    const label = parseLabelSelector(q.get("labelSelector"));
    const items = c.store.sorted(HPA, ns).map((e) => e.obj).filter((o) => label(o.metadata.labels)).map(toV1);
    sendJson(res, 200, { kind: "HorizontalPodAutoscalerList", apiVersion: V1, metadata: { resourceVersion: String(c.store.rv) }, items });
    return "list";
  }
  if (method === "POST") {
    if (name !== undefined) throw methodNotAllowed("the server does not allow this method on the requested resource");
    const body = (await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: "HorizontalPodAutoscaler" })) as KObject;
    const created = createObject(c, HPA, ns ?? "", fromV1({ ...body, metadata: isObject(body.metadata) ? body.metadata : {} }), dryRun, onWrite);
    sendJson(res, 201, toV1(created));
    return "create";
  }
  const cur = c.store.get(HPA, ns ?? "", name ?? "");
  if (!cur || name === undefined) throw notFound("horizontalpodautoscalers", "autoscaling", name ?? "");
  switch (method) {
    case "GET":
      sendJson(res, 200, toV1(cur));
      return "get";
    case "PUT":
    case "PATCH": {
      const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: method === "PATCH" ? "patch" : "HorizontalPodAutoscaler" });
      const v1 = (method === "PUT" ? body : applyPatch(req.headers["content-type"] ?? "", structuredClone(toV1(cur)) as Obj, body, "HorizontalPodAutoscaler", name, c.opts.maxJsonDepth)) as KObject;
      const next = sub === "status" ? { ...clone(cur), status: { ...(cur.status ?? {}), ...((v1.status as Obj | undefined) ?? {}) } } : fromV1({ ...v1, metadata: isObject(v1.metadata) ? v1.metadata : {} }, cur);
      sendJson(res, 200, toV1(replaceObject(c, HPA, ns ?? "", name, next, sub, dryRun, onWrite)));
      return method === "PUT" ? "update" : "patch";
    }
    case "DELETE":
      sendJson(res, 200, toV1(deleteObject(c, HPA, ns ?? "", name, dryRun ? { dryRun: true } : {})));
      return "delete";
    default:
      throw methodNotAllowed("the server does not allow this method on the requested resource");
  }
}
