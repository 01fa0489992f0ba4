import { randomUUID } from "node:crypto";
import { applyDefaults } from "./defaults";
import { alreadyExists, badRequest, conflict, exceededQuota, invalid, notFound, ApiError } from "./errors";
import type { ClusterContext } from "./context";
import { nameError, nowIso, randomSuffix } from "./names";
import { applyPatch } from "./patch";
import { apiVersionOf, CONFIGMAP, NAMESPACE, POD, RESOURCES, SERVICE, SERVICE_ACCOUNT, typeKey, type ResourceType } from "./resources";
import { jsonBytes } from "./store";
import { validateObject } from "./validate";
import { EPHEMERAL_SUBRESOURCE, withEphemeralContainers } from "./ephemeral";
import { isObject, type KObject } from "./types";

const DNS_LABEL_TYPES = new Set(["namespaces", "services"]);

/** Kinds whose strategy keeps metadata.generation (spec changes bump it); others have none. */
const GENERATION_TYPES = new Set(["apps/deployments", "apps/replicasets", "apps/daemonsets", "apps/statefulsets", "batch/jobs", "policy/poddisruptionbudgets"]);
export const tracksGeneration = (t: ResourceType) => GENERATION_TYPES.has(typeKey(t));

/** Kinds whose DELETE answers the object even when it is gone at once; the others answer a Status. */
const RETURNS_DELETED = new Set(["pods", "services", "serviceaccounts", "namespaces"]);
export const returnsDeletedObject = (t: ResourceType) => RETURNS_DELETED.has(typeKey(t));

/** The finalizers the garbage collector acts on (lib/sandbox/controllers/garbage.ts). */
export const ORPHAN_FINALIZER = "orphan";
export const FOREGROUND_FINALIZER = "foregroundDeletion";

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

function checkNamespace(ctx: ClusterContext, t: ResourceType, ns: string, name: string) {
  if (!t.namespaced) return;
  const n = ctx.store.get(NAMESPACE, "", ns);
  if (!n) throw new ApiError(404, "NotFound", `namespaces "${ns}" not found`, { name: ns, kind: "namespaces" });
  if (n.metadata.deletionTimestamp)
    throw new ApiError(403, "Forbidden", `${t.plural}${t.group ? `.${t.group}` : ""} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
      name,
      ...(t.group ? { group: t.group } : {}),
      kind: t.plural,
      causes: [{ reason: "NamespaceTerminating", message: `namespace ${ns} is being terminated`, field: "metadata.namespace" }],
    });
}

/**
 * What a write does to the object's managedFields just before it is stored: an API request
 * records its field manager's Update or apply (lib/sandbox/managed.ts); controllers pass none.
 */
export type OnWrite = (before: KObject | undefined, next: KObject) => void;

/** POST: create an object after validation and defaulting. */
export function createObject(ctx: ClusterContext, t: ResourceType, ns: string, body: unknown, dryRun = false, onWrite?: OnWrite): KObject {
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
  checkNamespace(ctx, t, ns, md.name);
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
  if (tracksGeneration(t)) md.generation = 1;
  else delete md.generation;
  prepareCreate(ctx, t, o);
  onWrite?.(undefined, o);
  checkBytes(ctx, t, md.name, jsonBytes(o), 0);
  if (dryRun) {
    md.uid ??= randomUUID();
    return o;
  }
  const stored = ctx.store.put(t, o);
  if (t === NAMESPACE) namespaceDefaults(ctx, md.name);
  return stored;
}

const ROOT_CA = "kube-root-ca.crt";

/**
 * What a new namespace holds at once on a real cluster: its `default` ServiceAccount (the
 * serviceaccount controller) and the `kube-root-ca.crt` ConfigMap (the root-ca-cert publisher).
 */
export function namespaceDefaults(ctx: ClusterContext, ns: string) {
  const at = nowIso();
  if (!ctx.store.get(SERVICE_ACCOUNT, ns, "default"))
    ctx.store.put(SERVICE_ACCOUNT, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns, creationTimestamp: at } });
  if (!ctx.store.get(CONFIGMAP, ns, ROOT_CA))
    ctx.store.put(CONFIGMAP, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: ROOT_CA,
        namespace: ns,
        creationTimestamp: at,
        annotations: { "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." },
      },
      data: { "ca.crt": ctx.caPem ?? "" },
    });
}

/** The projected volume that gives a pod its service account's token, as the ServiceAccount admission plugin adds it. */
function serviceAccountVolume(pod: KObject) {
  const spec = pod.spec as { automountServiceAccountToken?: boolean; volumes?: unknown[]; containers?: { volumeMounts?: unknown[] }[]; initContainers?: { volumeMounts?: unknown[] }[] };
  if (spec.automountServiceAccountToken === false) return;
  const name = `kube-api-access-${randomSuffix()}`;
  spec.volumes = [
    ...(spec.volumes ?? []),
    {
      name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: ROOT_CA, items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
        ],
        defaultMode: 420,
      },
    },
  ];
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])])
    c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }];
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
    serviceAccountVolume(o);
    o.status = { phase: "Pending", qosClass: qosClass(o) };
    ctx.kick();
  } else if (key === "namespaces") {
    o.status = { phase: "Active" };
    o.metadata.labels = { ...o.metadata.labels, "kubernetes.io/metadata.name": o.metadata.name! };
  } else if (key === "services") {
    const spec = o.spec as Record<string, unknown>;
    if (typeof spec.clusterIP === "string" && spec.clusterIP && spec.clusterIP !== "None") {
      if (!inServiceRange(spec.clusterIP))
        throw invalid("Service", "", o.metadata.name!, [
          { field: "spec.clusterIPs", message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}` },
        ]);
      spec.clusterIPs ??= [spec.clusterIP];
    }
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
  } else if (key === "policy/poddisruptionbudgets") {
    // Upstream's PDB status has these as plain integers: a new PDB shows them as 0.
    o.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    ctx.kick();
  } else if (t.hasStatus && key !== "nodes") {
    o.status = {};
    ctx.kick();
  } else if (key === "nodes") ctx.kick();
}

/** The service IP range the allocator hands addresses from (lib/sandbox/allocator.ts). */
const SERVICE_CIDR = "10.96.0.0/12";
function inServiceRange(ip: string): boolean {
  const p = ip.split(".").map(Number);
  return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) && p[0] === 10 && p[1]! >= 96 && p[1]! <= 111;
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
  onWrite?: OnWrite,
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
  } else if (sub === EPHEMERAL_SUBRESOURCE) {
    // Only spec.ephemeralContainers changes; the caller's onWrite validates and admits it.
    next = withEphemeralContainers(cur, o);
  } else {
    next = o;
    md.name = name;
    if (t.namespaced) md.namespace = ns;
    md.uid = cur.metadata.uid;
    md.creationTimestamp = cur.metadata.creationTimestamp;
    if (tracksGeneration(t)) md.generation = cur.metadata.generation ?? 1;
    else delete md.generation;
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
    validateObject(t, next, cur);
    if (tracksGeneration(t) && specOf(next) !== specOf(cur) && JSON.stringify(next.spec ?? null) !== JSON.stringify(cur.spec ?? null))
      md.generation = (cur.metadata.generation ?? 1) + 1;
  }
  onWrite?.(cur, next);
  checkBytes(ctx, t, name, jsonBytes(next), ctx.store.entry(t, ns, name)?.size ?? 0);
  if (dryRun) return next;
  if (cur.metadata.deletionTimestamp) {
    const had = new Set(cur.metadata.finalizers ?? []);
    const added = (next.metadata.finalizers ?? []).filter((f) => !had.has(f));
    if (added.length) {
      const cause = { field: "metadata.finalizers", message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`, reason: "FieldValueForbidden" };
      // Upstream checks the object's metadata twice on an update, and reports the cause twice.
      throw invalid(t.kind, t.group, name, [cause, cause]);
    }
  }
  if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && t !== POD && t !== NAMESPACE) {
    const gone = ctx.store.remove(t, ns, name);
    if (gone) cascade(ctx, gone);
    ctx.kick();
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
  onWrite?: OnWrite,
): KObject {
  const cur = ctx.store.get(t, ns, name);
  if (!cur) throw notFound(t.plural, t.group, name);
  const patched = applyPatch(contentType, clone(cur) as Record<string, unknown>, body, t.kind, name, ctx.opts.maxJsonDepth);
  if (!isObject(patched)) throw badRequest("patch did not produce an object");
  const p = patched as KObject;
  if (!isObject(p.metadata)) p.metadata = {};
  // A patch that names no resourceVersion applies to the latest one.
  if (!(isObject(body) && isObject(body.metadata) && "resourceVersion" in body.metadata)) p.metadata.resourceVersion = cur.metadata.resourceVersion;
  if (sub === "status") return replaceObject(ctx, t, ns, name, { ...cur, status: p.status }, "status", dryRun, onWrite);
  if (sub === EPHEMERAL_SUBRESOURCE) return replaceObject(ctx, t, ns, name, p, sub, dryRun, onWrite);
  if (t.hasStatus && t.plural !== "nodes" && JSON.stringify(p.status ?? null) !== JSON.stringify(cur.status ?? null)) {
    // Status in a main-resource patch is ignored, as upstream.
    p.status = cur.status;
  }
  return replaceObject(ctx, t, ns, name, p, undefined, dryRun, onWrite);
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
    throw new ApiError(403, "Forbidden", `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: "namespaces" });
  if (o.dryRun) return cur;
  if (t === POD) return deletePod(ctx, cur, o);
  const policy = o.propagationPolicy;
  if (t !== NAMESPACE && (policy === "Foreground" || policy === "Orphan")) {
    // As upstream: the object stays, marked, until the garbage collector has deleted (foreground)
    // or released (orphan) its dependents and removed the finalizer.
    const fin = policy === "Orphan" ? ORPHAN_FINALIZER : FOREGROUND_FINALIZER;
    const next = clone(cur);
    next.metadata.deletionTimestamp ??= nowIso();
    next.metadata.deletionGracePeriodSeconds ??= 0;
    const fins = (next.metadata.finalizers ?? []).filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
    next.metadata.finalizers = [...fins, fin];
    ctx.kick();
    return ctx.store.put(t, next);
  }
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
    next.metadata.deletionGracePeriodSeconds = 0;
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

export function resourceOf(o: KObject): ResourceType | undefined {
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
