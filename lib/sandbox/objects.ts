import { randomUUID } from "node:crypto";
import { applyDefaults } from "./defaults";
import { alreadyExists, badRequest, conflict, exceededQuota, forbidden, invalid, notFound, ApiError } from "./errors";
import type { ClusterContext } from "./context";
import { nameError, nowIso, randomSuffix } from "./names";
import { applyPatch } from "./patch";
import { apiVersionOf, NAMESPACE, POD, RESOURCES, SERVICE, typeKey, type ResourceType } from "./resources";
import { jsonBytes } from "./store";
import { validateObject } from "./validate";
import { isObject, type KObject } from "./types";

const DNS_LABEL_TYPES = new Set(["namespaces", "services"]);

/** A deep copy that the caller may change before writing it back. */
export const clone = <T>(o: T): T => structuredClone(o);

function asObject(body: unknown, t: ResourceType): KObject {
  if (!isObject(body)) throw badRequest("the body of the request must be a JSON object");
  const o = body as KObject;
  if (!isObject(o.metadata)) o.metadata = {};
  const av = apiVersionOf(t);
  if (o.apiVersion !== undefined && o.apiVersion !== av)
    throw badRequest(`the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${av})`);
  if (o.kind !== undefined && o.kind !== t.kind)
    throw badRequest(`the kind in the data (${String(o.kind)}) does not match the expected kind (${t.kind})`);
  o.apiVersion = av;
  o.kind = t.kind;
  return o;
}

function checkNamespace(ctx: ClusterContext, t: ResourceType, ns: string) {
  if (!t.namespaced) return;
  const n = ctx.store.get(NAMESPACE, "", ns);
  if (!n) throw new ApiError(404, "NotFound", `namespaces "${ns}" not found`, { name: ns, kind: "namespaces" });
  if (n.metadata.deletionTimestamp)
    throw forbidden(`${t.plural} is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
}

/** POST: create an object after validation and defaulting. */
export function createObject(ctx: ClusterContext, t: ResourceType, ns: string, body: unknown, dryRun = false): KObject {
  const o = asObject(body, t);
  const md = o.metadata;
  if (t.namespaced) {
    if (md.namespace !== undefined && md.namespace !== "" && md.namespace !== ns)
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    md.namespace = ns;
  } else delete md.namespace;
  if (!md.name && typeof md.generateName === "string" && md.generateName) md.name = md.generateName + randomSuffix();
  if (typeof md.name !== "string" || !md.name)
    throw invalid(t.kind, t.group, "", [{ field: "metadata.name", message: "Required value: name or generateName is required", reason: "FieldValueRequired" }]);
  const err = nameError(md.name, DNS_LABEL_TYPES.has(t.plural));
  if (err) throw invalid(t.kind, t.group, md.name, [{ field: "metadata.name", message: `Invalid value: "${md.name}": ${err}` }]);
  checkNamespace(ctx, t, ns);
  if (ctx.store.get(t, ns, md.name)) throw alreadyExists(t.plural, t.group, md.name);
  const total = ctx.store.total();
  if (total >= ctx.opts.maxObjects)
    throw exceededQuota("objects", t.plural, t.group, md.name, QUOTA_NAME, `${OBJECTS}=1`, `${OBJECTS}=${total}`, `${OBJECTS}=${ctx.opts.maxObjects}`);
  applyDefaults(t.plural, t.group, o);
  validateObject(t, o);
  delete md.uid;
  delete md.resourceVersion;
  delete md.deletionTimestamp;
  delete md.deletionGracePeriodSeconds;
  md.creationTimestamp = nowIso();
  md.generation = 1;
  prepareCreate(ctx, t, o);
  checkBytes(ctx, t, md.name, jsonBytes(o), 0);
  if (dryRun) return o;
  return ctx.store.put(t, o);
}

// The cluster's quota as a ResourceQuota would name it in its refusals: a real cluster with a
// quota answers the same 403 with "exceeded quota: <name>, requested: …, used: …, limited: …".
const QUOTA_NAME = "sandbox-limits";
const OBJECTS = "sandbox.pystol.io/objects";
const BYTES = "sandbox.pystol.io/stored-bytes";

/** Refuse a write that would take the cluster's stored bytes over its budget (shrinking always passes). */
function checkBytes(ctx: ClusterContext, t: ResourceType, name: string, size: number, previous: number) {
  const used = ctx.store.bytes;
  if (size > previous && used - previous + size > ctx.opts.maxBytes)
    throw exceededQuota("bytes", t.plural, t.group, name, QUOTA_NAME, `${BYTES}=${size - previous}`, `${BYTES}=${used}`, `${BYTES}=${ctx.opts.maxBytes}`);
}

function prepareCreate(ctx: ClusterContext, t: ResourceType, o: KObject) {
  const key = typeKey(t);
  if (key === "pods") {
    o.status = { phase: "Pending", qosClass: qosClass(o) };
    ctx.kick();
  } else if (key === "namespaces") {
    o.status = { phase: "Active" };
    o.metadata.labels = { ...o.metadata.labels, "kubernetes.io/metadata.name": o.metadata.name! };
  } else if (key === "services") {
    const spec = o.spec as Record<string, unknown>;
    if (spec.type !== "ExternalName" && spec.clusterIP !== "None" && !spec.clusterIP) {
      spec.clusterIP = ctx.serviceIp();
      spec.clusterIPs = [spec.clusterIP];
    }
    o.status = { loadBalancer: {} };
    ctx.kick();
  } else if (key === "batch/jobs") {
    // As upstream: the job's own uid labels its pods and forms its selector.
    const uid = (o.metadata.uid = randomUUID());
    const spec = o.spec as { selector?: unknown; template?: { metadata?: { labels?: Record<string, string> } } };
    const labels = { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": o.metadata.name!, "controller-uid": uid, "job-name": o.metadata.name! };
    spec.selector ??= { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
    if (spec.template) spec.template.metadata = { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...labels } };
    o.status = {};
    ctx.kick();
  } else if (t.hasStatus && key !== "nodes") {
    o.status = {};
    ctx.kick();
  } else if (key === "nodes") ctx.kick();
}

function qosClass(pod: KObject): string {
  const cs = ((pod.spec as { containers?: { resources?: { requests?: object; limits?: object } }[] }).containers ?? []);
  if (cs.every((c) => !c.resources?.requests && !c.resources?.limits)) return "BestEffort";
  const guaranteed = cs.every((c) => {
    const l = c.resources?.limits as Record<string, unknown> | undefined;
    const r = (c.resources?.requests ?? l) as Record<string, unknown> | undefined;
    return l && r && l.cpu !== undefined && l.memory !== undefined && r.cpu === l.cpu && r.memory === l.memory;
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}

const specOf = (o: KObject) => JSON.stringify(o.spec ?? null) + JSON.stringify(o.metadata.labels ?? null);

/** PUT (and the tail of PATCH): replace an object, keeping what the server owns. */
export function replaceObject(
  ctx: ClusterContext,
  t: ResourceType,
  ns: string,
  name: string,
  body: unknown,
  sub?: string,
  dryRun = false,
): KObject {
  const cur = ctx.store.get(t, ns, name);
  if (!cur) throw notFound(t.plural, t.group, name);
  const o = asObject(body, t);
  const md = o.metadata;
  if (md.name !== undefined && md.name !== name)
    throw badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${name})`);
  if (md.resourceVersion !== undefined && md.resourceVersion !== "" && md.resourceVersion !== cur.metadata.resourceVersion)
    throw conflict(t.plural, t.group, name);
  let next: KObject;
  if (sub === "status") {
    next = { ...clone(cur), status: o.status as Record<string, unknown> };
  } else {
    next = o;
    md.name = name;
    if (t.namespaced) md.namespace = ns;
    md.uid = cur.metadata.uid;
    md.creationTimestamp = cur.metadata.creationTimestamp;
    md.generation = cur.metadata.generation ?? 1;
    if (cur.metadata.deletionTimestamp) {
      md.deletionTimestamp = cur.metadata.deletionTimestamp;
      md.deletionGracePeriodSeconds = cur.metadata.deletionGracePeriodSeconds;
    } else {
      delete md.deletionTimestamp;
      delete md.deletionGracePeriodSeconds;
    }
    // Only the status subresource changes status of kinds that have one.
    if (t.hasStatus && t.plural !== "nodes") {
      if (cur.status) next.status = cur.status;
      else delete next.status;
    }
    applyDefaults(t.plural, t.group, next);
    if (t === POD) immutablePodFields(cur, next);
    if (t === SERVICE) {
      const cs = cur.spec as Record<string, unknown>;
      const ns2 = next.spec as Record<string, unknown>;
      if (!ns2.clusterIP) {
        ns2.clusterIP = cs.clusterIP;
        ns2.clusterIPs = cs.clusterIPs;
      }
    }
    validateObject(t, next);
    if (specOf(next) !== specOf(cur) && JSON.stringify(next.spec ?? null) !== JSON.stringify(cur.spec ?? null))
      md.generation = (cur.metadata.generation ?? 1) + 1;
  }
  checkBytes(ctx, t, name, jsonBytes(next), ctx.store.entry(t, ns, name)?.size ?? 0);
  if (dryRun) return next;
  if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && t !== POD && t !== NAMESPACE) {
    ctx.store.remove(t, ns, name);
    return next;
  }
  ctx.kick();
  return ctx.store.put(t, next);
}

function immutablePodFields(cur: KObject, next: KObject) {
  const c = cur.spec as Record<string, unknown>;
  const n = next.spec as Record<string, unknown>;
  if (c.nodeName && n.nodeName !== c.nodeName) n.nodeName = c.nodeName;
  const strip = (s: Record<string, unknown>) =>
    JSON.stringify({ ...s, containers: ((s.containers as Record<string, unknown>[]) ?? []).map((x) => ({ ...x, image: "" })), activeDeadlineSeconds: 0, tolerations: 0, terminationGracePeriodSeconds: 0, nodeName: 0 });
  if (strip(c) !== strip(n))
    throw invalid("Pod", "", cur.metadata.name!, [
      { field: "spec", message: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)", reason: "FieldValueForbidden" },
    ]);
}

/** PATCH with any of the three patch types. */
export function patchObject(
  ctx: ClusterContext,
  t: ResourceType,
  ns: string,
  name: string,
  contentType: string,
  body: unknown,
  sub?: string,
  dryRun = false,
): KObject {
  const cur = ctx.store.get(t, ns, name);
  if (!cur) throw notFound(t.plural, t.group, name);
  const patched = applyPatch(contentType, clone(cur) as Record<string, unknown>, body, t.kind, name, ctx.opts.maxJsonDepth);
  if (!isObject(patched)) throw badRequest("patch did not produce an object");
  const p = patched as KObject;
  if (!isObject(p.metadata)) p.metadata = {};
  // A patch that names no resourceVersion applies to the latest one.
  if (!(isObject(body) && isObject(body.metadata) && "resourceVersion" in body.metadata)) p.metadata.resourceVersion = cur.metadata.resourceVersion;
  if (sub === "status") return replaceObject(ctx, t, ns, name, { ...cur, status: p.status }, "status", dryRun);
  if (t.hasStatus && t.plural !== "nodes" && JSON.stringify(p.status ?? null) !== JSON.stringify(cur.status ?? null)) {
    // Status in a main-resource patch is ignored, as upstream.
    p.status = cur.status;
  }
  return replaceObject(ctx, t, ns, name, p, undefined, dryRun);
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** DELETE: graceful for running pods and namespaces, cascading to dependents unless orphaned. */
export function deleteObject(ctx: ClusterContext, t: ResourceType, ns: string, name: string, o: DeleteOptions = {}): KObject {
  const cur = ctx.store.get(t, ns, name);
  if (!cur) throw notFound(t.plural, t.group, name);
  if (o.preconditions?.uid && o.preconditions.uid !== cur.metadata.uid)
    throw conflict(t.plural, t.group, name);
  if (o.preconditions?.resourceVersion && o.preconditions.resourceVersion !== cur.metadata.resourceVersion)
    throw conflict(t.plural, t.group, name);
  if (t === NAMESPACE && ["default", "kube-system", "kube-public"].includes(name))
    throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
  if (o.dryRun) return cur;
  if (t === POD) return deletePod(ctx, cur, o);
  if (t === NAMESPACE) {
    if (cur.metadata.deletionTimestamp) return cur;
    const next = clone(cur);
    next.metadata.deletionTimestamp = nowIso();
    next.status = { phase: "Terminating" };
    ctx.kick();
    return ctx.store.put(t, next);
  }
  if ((cur.metadata.finalizers ?? []).length > 0) {
    if (cur.metadata.deletionTimestamp) return cur;
    const next = clone(cur);
    next.metadata.deletionTimestamp = nowIso();
    return ctx.store.put(t, next);
  }
  const gone = ctx.store.remove(t, ns, name)!;
  cascade(ctx, gone, o.propagationPolicy);
  ctx.kick();
  return gone;
}

/** Delete or orphan the objects that name this one as owner. */
export function cascade(ctx: ClusterContext, owner: KObject, policy?: string) {
  const uid = owner.metadata.uid;
  if (!uid) return;
  for (const dep of ctx.store.dependents(uid)) {
    const dt = resourceOf(dep);
    if (!dt) continue;
    const dns = dep.metadata.namespace ?? "";
    if (policy === "Orphan") {
      const next = clone(dep);
      next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
      ctx.store.put(dt, next);
    } else if (ctx.store.get(dt, dns, dep.metadata.name!)) {
      deleteObject(ctx, dt, dns, dep.metadata.name!, { propagationPolicy: policy });
    }
  }
}

function resourceOf(o: KObject): ResourceType | undefined {
  return RESOURCES.find((r) => !r.virtual && r.kind === o.kind && apiVersionOf(r) === o.apiVersion);
}

function deletePod(ctx: ClusterContext, cur: KObject, o: DeleteOptions): KObject {
  const spec = cur.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (cur.status as { phase?: string } | undefined)?.phase;
  const grace = o.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  const ns = cur.metadata.namespace!;
  const name = cur.metadata.name!;
  const terminal = phase === "Succeeded" || phase === "Failed";
  if (grace <= 0 || !spec.nodeName || terminal) {
    const gone = ctx.store.remove(POD, ns, name)!;
    ctx.logs.delete(cur.metadata.uid!);
    ctx.kick();
    return gone;
  }
  if (cur.metadata.deletionTimestamp) {
    if ((cur.metadata.deletionGracePeriodSeconds ?? 30) <= grace) return cur;
  }
  const next = clone(cur);
  next.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  next.metadata.deletionGracePeriodSeconds = grace;
  ctx.event(cur, "Normal", "Killing", `Stopping container ${((spec as { containers?: { name: string }[] }).containers ?? [])[0]?.name ?? ""}`, "kubelet");
  const uid = cur.metadata.uid;
  ctx.later(Math.min(grace * 1000, ctx.opts.podStopDelayMs), () => {
    const p = ctx.store.get(POD, ns, name);
    if (p && p.metadata.uid === uid && p.metadata.deletionTimestamp) {
      ctx.store.remove(POD, ns, name);
      ctx.logs.delete(uid!);
      ctx.kick();
    }
  });
  ctx.kick();
  return ctx.store.put(POD, next);
}
