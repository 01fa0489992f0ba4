import type { FieldCause } from "./errors";
import { kindCauses } from "./kinds";
import { parseQuantity } from "./quantity";
import { findResource, type ResourceType } from "./resources";
import { isObject, type KObject } from "./types";

// The checks upstream's ValidatePodSpec (pkg/apis/core/validation) applies to a pod and to the
// pod template of every workload, beyond names and images (lib/sandbox/validate.ts): volume
// mounts name a volume, requests stay within limits, each probe has exactly one handler,
// container ports and volumes are unique, an env var takes its value from one place; and for
// StatefulSets their pod management policy, restart policy and volumeClaimTemplates (claims
// that the pods mount by name). Messages and field paths are upstream's.

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObject) : []);
const obj = (v: unknown): Obj => (isObject(v) ? v : {});
const str = (v: unknown) => JSON.stringify(v);

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"] as const;
const PROBE_MINIMUMS: Record<string, number> = { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 1, successThreshold: 1, failureThreshold: 1 };
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function portNameCauses(name: unknown, field: string): FieldCause[] {
  const n = String(name);
  const out: FieldCause[] = [];
  if (n.length > 15) out.push({ field, message: `Invalid value: ${str(n)}: must be no more than 15 characters` });
  if (!IANA_SVC_NAME.test(n)) out.push({ field, message: `Invalid value: ${str(n)}: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)` });
  else if (n.includes("--")) out.push({ field, message: `Invalid value: ${str(n)}: must not contain consecutive hyphens` });
  if (!/[a-z]/.test(n)) out.push({ field, message: `Invalid value: ${str(n)}: must contain at least one letter (a-z)` });
  return out;
}

function portNumOrNameCauses(port: unknown, field: string): FieldCause[] {
  if (typeof port === "number") return port >= 1 && port <= 65535 ? [] : [{ field, message: `Invalid value: ${port}: must be between 1 and 65535, inclusive` }];
  if (typeof port === "string") return portNameCauses(port, field);
  return [{ field, message: "Required value", reason: "FieldValueRequired" }];
}

function probeCauses(probe: Obj, field: string, kind: (typeof PROBES)[number]): FieldCause[] {
  const out: FieldCause[] = [];
  let handlers = 0;
  for (const h of HANDLERS) {
    if (!isObject(probe[h])) continue;
    if (handlers++ > 0) {
      out.push({ field: `${field}.${h}`, message: "Forbidden: may not specify more than 1 handler type", reason: "FieldValueForbidden" });
      continue;
    }
    const handler = probe[h];
    if (h === "exec" && (!Array.isArray(handler.command) || handler.command.length === 0))
      out.push({ field: `${field}.exec.command`, message: "Required value", reason: "FieldValueRequired" });
    if (h === "httpGet" || h === "tcpSocket") out.push(...portNumOrNameCauses(handler.port, `${field}.${h}.port`));
    if (h === "httpGet" && handler.scheme !== undefined && !["HTTP", "HTTPS"].includes(String(handler.scheme)))
      out.push({ field: `${field}.httpGet.scheme`, message: `Unsupported value: ${str(handler.scheme)}: supported values: "HTTP", "HTTPS"`, reason: "FieldValueNotSupported" });
  }
  if (handlers === 0) out.push({ field, message: "Required value: must specify a handler type", reason: "FieldValueRequired" });
  for (const [key, min] of Object.entries(PROBE_MINIMUMS)) {
    const v = probe[key];
    if (v !== undefined && (typeof v !== "number" || v < min)) out.push({ field: `${field}.${key}`, message: `Invalid value: ${str(v)}: must be greater than or equal to ${min}` });
  }
  if (kind !== "readinessProbe" && probe.successThreshold !== undefined && probe.successThreshold !== 1)
    out.push({ field: `${field}.successThreshold`, message: `Invalid value: ${str(probe.successThreshold)}: must be 1` });
  return out;
}

function containerCauses(c: Obj, field: string, volumes: Set<string>): FieldCause[] {
  const out: FieldCause[] = [];
  const mountPaths = new Set<string>();
  list(c.volumeMounts).forEach((m, j) => {
    const at = `${field}.volumeMounts[${j}]`;
    if (!m.name) out.push({ field: `${at}.name`, message: "Required value", reason: "FieldValueRequired" });
    else if (!volumes.has(String(m.name))) out.push({ field: `${at}.name`, message: `Not found: ${str(m.name)}`, reason: "FieldValueNotFound" });
    if (!m.mountPath) out.push({ field: `${at}.mountPath`, message: "Required value", reason: "FieldValueRequired" });
    else if (mountPaths.has(String(m.mountPath))) out.push({ field: `${at}.mountPath`, message: `Invalid value: ${str(m.mountPath)}: must be unique` });
    mountPaths.add(String(m.mountPath));
  });

  const portNames = new Set<string>();
  list(c.ports).forEach((p, j) => {
    const at = `${field}.ports[${j}]`;
    if (p.name !== undefined) {
      out.push(...portNameCauses(p.name, `${at}.name`));
      if (portNames.has(String(p.name))) out.push({ field: `${at}.name`, message: `Duplicate value: ${str(p.name)}`, reason: "FieldValueDuplicate" });
      portNames.add(String(p.name));
    }
    if (typeof p.containerPort !== "number" || p.containerPort < 1 || p.containerPort > 65535)
      out.push({ field: `${at}.containerPort`, message: `Invalid value: ${str(p.containerPort ?? 0)}: must be between 1 and 65535, inclusive` });
  });

  list(c.env).forEach((e, j) => {
    const at = `${field}.env[${j}]`;
    if (!isObject(e.valueFrom)) return;
    const sources = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"].filter((k) => isObject(obj(e.valueFrom)[k]));
    if (typeof e.value === "string" && e.value !== "")
      out.push({ field: `${at}.valueFrom`, message: "Invalid value: \"\": may not be specified when `value` is not empty" });
    if (sources.length === 0) out.push({ field: `${at}.valueFrom`, message: "Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`" });
    else if (sources.length > 1) out.push({ field: `${at}.valueFrom`, message: "Invalid value: \"\": may not have more than one field specified at a time" });
  });

  const resources = obj(c.resources);
  const limits = obj(resources.limits);
  for (const [name, request] of Object.entries(obj(resources.requests))) {
    if (limits[name] === undefined) continue;
    const [r, l] = [parseQuantity(request), parseQuantity(limits[name])];
    if (Number.isFinite(r) && Number.isFinite(l) && r > l)
      out.push({ field: `${field}.resources.requests`, message: `Invalid value: ${str(String(request))}: must be less than or equal to ${name} limit of ${String(limits[name])}` });
  }

  for (const kind of PROBES) if (isObject(c[kind])) out.push(...probeCauses(c[kind], `${field}.${kind}`, kind));
  return out;
}

/** Causes for a pod spec at `field` (spec, or spec.template.spec); `claims` are volumes a StatefulSet adds. */
export function podSpecCauses(spec: unknown, field: string, claims: string[] = []): FieldCause[] {
  if (!isObject(spec)) return [];
  const out: FieldCause[] = [];
  const volumes = new Set<string>(claims);
  list(spec.volumes).forEach((v, i) => {
    const name = String(v.name ?? "");
    if (volumes.has(name) && !claims.includes(name)) out.push({ field: `${field}.volumes[${i}].name`, message: `Duplicate value: ${str(name)}`, reason: "FieldValueDuplicate" });
    volumes.add(name);
  });
  list(spec.initContainers).forEach((c, i) => out.push(...containerCauses(c, `${field}.initContainers[${i}]`, volumes)));
  list(spec.containers).forEach((c, i) => out.push(...containerCauses(c, `${field}.containers[${i}]`, volumes)));
  return out;
}

const STATEFULSETS = "apps/statefulsets";
const PVC_TYPE = findResource("", "v1", "persistentvolumeclaims")!;

/** The checks above for pods and the pod templates of workloads, and a StatefulSet's own. */
export function podTemplateCauses(t: ResourceType, o: KObject): FieldCause[] {
  const key = `${t.group}/${t.plural}`;
  const spec = obj(o.spec);
  if (key === "/pods") return podSpecCauses(o.spec, "spec");
  if (!["apps/deployments", "apps/replicasets", "apps/daemonsets", STATEFULSETS, "batch/jobs"].includes(key)) return [];
  const templates = key === STATEFULSETS ? list(spec.volumeClaimTemplates) : [];
  const out = podSpecCauses(obj(spec.template).spec, "spec.template.spec", templates.map((c) => String(obj(c.metadata).name ?? "")));
  if (key !== STATEFULSETS) return out;
  if (spec.podManagementPolicy !== undefined && !["OrderedReady", "Parallel"].includes(String(spec.podManagementPolicy)))
    out.push({ field: "spec.podManagementPolicy", message: `Unsupported value: ${str(spec.podManagementPolicy)}: supported values: "OrderedReady", "Parallel"`, reason: "FieldValueNotSupported" });
  const restart = obj(obj(spec.template).spec).restartPolicy;
  if (restart !== undefined && restart !== "Always")
    out.push({ field: "spec.template.spec.restartPolicy", message: `Unsupported value: ${str(restart)}: supported values: "Always"`, reason: "FieldValueNotSupported" });
  templates.forEach((claim, i) => {
    // Each template is a claim, and is checked as one (accessModes, storage request).
    for (const c of kindCauses(PVC_TYPE, { metadata: obj(claim.metadata) as KObject["metadata"], spec: obj(claim.spec) } as KObject))
      out.push({ ...c, field: `spec.volumeClaimTemplates[${i}].${c.field}` });
  });
  return out;
}
