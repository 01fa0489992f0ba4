import { execFile } from "node:child_process";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

// Reading the Kubernetes manifests of deploy/kubernetes: rendering an overlay with kubectl's
// built-in kustomize, and working out what each container will see (its environment, its
// ports), the way the kubelet does, so that tests can compare it with the app's own settings.

export const KUSTOMIZE_ROOT = path.resolve(import.meta.dirname, "../../deploy/kubernetes");
export const OVERLAYS = ["production", "demo"] as const;
export type Overlay = (typeof OVERLAYS)[number];

const metadata = z.object({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).optional() }).loose();

/** A rendered object: only what these checks read is typed; the rest is kept as is. */
export const kubeObject = z.object({ apiVersion: z.string(), kind: z.string(), metadata }).loose();
export type KubeObject = z.infer<typeof kubeObject>;

const keyRef = z.object({ name: z.string(), key: z.string(), optional: z.boolean().optional() });
const envVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      configMapKeyRef: keyRef.optional(),
      secretKeyRef: keyRef.optional(),
      fieldRef: z.object({ fieldPath: z.string() }).optional(),
    })
    .optional(),
});
const sourceRef = z.object({ name: z.string(), optional: z.boolean().optional() });
const httpGet = z.object({ path: z.string().default("/"), port: z.union([z.number(), z.string()]), scheme: z.string().optional() });
export const probe = z.object({ httpGet: httpGet.optional(), exec: z.object({ command: z.array(z.string()) }).optional(), tcpSocket: z.object({ port: z.union([z.number(), z.string()]) }).optional() }).loose();
export type Probe = z.infer<typeof probe>;

export const container = z
  .object({
    name: z.string(),
    image: z.string(),
    command: z.array(z.string()).default([]),
    args: z.array(z.string()).default([]),
    ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number() })).default([]),
    env: z.array(envVar).default([]),
    envFrom: z.array(z.object({ configMapRef: sourceRef.optional(), secretRef: sourceRef.optional() })).default([]),
    readinessProbe: probe.optional(),
    livenessProbe: probe.optional(),
    startupProbe: probe.optional(),
  })
  .loose();
export type Container = z.infer<typeof container>;

const podTemplate = z.object({ spec: z.object({ containers: z.array(container) }).loose() }).loose();
const workload = z.object({ spec: z.object({ template: podTemplate, serviceName: z.string().optional() }).loose() }).loose();

/** Renders an overlay with kubectl's kustomize (never through a shell); the YAML text. */
export function renderOverlay(overlay: Overlay, kubectl = "/usr/bin/kubectl"): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(kubectl, ["kustomize", path.join(KUSTOMIZE_ROOT, "overlays", overlay)], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl kustomize ${overlay} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** The objects of a multi-document YAML text (empty documents skipped). */
export function parseObjects(yamlText: string): KubeObject[] {
  return parseAllDocuments(yamlText)
    .map((d) => {
      if (d.errors.length) throw new Error(`invalid YAML: ${d.errors[0]!.message}`);
      return d.toJS() as unknown;
    })
    .filter((o) => o !== null && o !== undefined)
    .map((o) => kubeObject.parse(o));
}

/** A container in its workload, with the pod name the kubelet would give the first pod. */
export interface PlacedContainer {
  workload: KubeObject;
  container: Container;
  /** The first pod's name: `<name>-0` for a StatefulSet, a stand-in for others. */
  podName: string;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"]);

/** Every container of every workload (init containers are not used by these manifests). */
export function containersOf(objects: KubeObject[]): PlacedContainer[] {
  const out: PlacedContainer[] = [];
  for (const o of objects) {
    if (!WORKLOAD_KINDS.has(o.kind)) continue;
    const w = workload.parse(o);
    const podName = o.kind === "StatefulSet" ? `${o.metadata.name}-0` : `${o.metadata.name}-pod`;
    for (const c of w.spec.template.spec.containers) out.push({ workload: o, container: c, podName });
  }
  return out;
}

/** The workload's `spec.serviceName` (StatefulSets). */
export const serviceNameOf = (o: KubeObject) => workload.parse(o).spec.serviceName;

const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

/** The string data of a ConfigMap or Secret (a Secret's `data` decoded). */
function dataOf(o: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  const rec = o as Record<string, unknown>;
  const data = (rec.data ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(data)) out[k] = o.kind === "Secret" ? Buffer.from(v, "base64").toString("utf8") : v;
  if (o.kind === "Secret") Object.assign(out, (rec.stringData ?? {}) as Record<string, string>);
  return out;
}

export interface ResolvedEnv {
  /** The variables as the process will see them. */
  values: Record<string, string>;
  /** References that cannot be resolved: a missing ConfigMap, Secret or key that is not optional. */
  problems: string[];
}

/**
 * The environment of a container as the kubelet builds it: envFrom sources in order, then
 * `env` entries (later ones win), with `$(VAR)` expanded from the variables defined before.
 * `objects` are the rendered manifests plus any object created outside them (the Secret of a
 * production installation).
 */
export function resolveEnv(placed: PlacedContainer, objects: KubeObject[]): ResolvedEnv {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const c = placed.container;
  for (const src of c.envFrom) {
    const ref = src.configMapRef ?? src.secretRef;
    const kind = src.configMapRef ? "ConfigMap" : "Secret";
    if (!ref) continue;
    const o = find(objects, kind, ref.name);
    if (!o) {
      if (!ref.optional) problems.push(`envFrom ${kind} "${ref.name}" does not exist`);
      continue;
    }
    Object.assign(values, dataOf(o));
  }
  for (const e of c.env) {
    if (e.value !== undefined) {
      values[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => values[name] ?? whole);
      continue;
    }
    const from = e.valueFrom;
    if (from?.fieldRef) {
      if (from.fieldRef.fieldPath === "metadata.name") values[e.name] = placed.podName;
      else if (from.fieldRef.fieldPath === "metadata.namespace") values[e.name] = placed.workload.metadata.namespace ?? "default";
      else problems.push(`${e.name}: field ${from.fieldRef.fieldPath} is not understood by this check`);
      continue;
    }
    const ref = from?.configMapKeyRef ?? from?.secretKeyRef;
    if (!ref) {
      values[e.name] = "";
      continue;
    }
    const kind = from?.configMapKeyRef ? "ConfigMap" : "Secret";
    const o = find(objects, kind, ref.name);
    const value = o ? dataOf(o)[ref.key] : undefined;
    if (value !== undefined) values[e.name] = value;
    else if (!ref.optional) problems.push(`${e.name} refers to ${kind} "${ref.name}" key "${ref.key}", which does not exist`);
  }
  return { values, problems };
}

/** The number of a container port given by number or by name; undefined when no port has that name. */
export function portNumber(c: Container, port: number | string): number | undefined {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports.find((p) => p.name === port)?.containerPort;
}
