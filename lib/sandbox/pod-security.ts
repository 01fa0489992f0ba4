// Pod Security admission as kube-apiserver's built-in plugin enforces it: a namespace's
// `pod-security.kubernetes.io/enforce` label names a level (privileged, baseline, restricted) and
// a pod that violates it is refused with the plugin's sentence, word for word:
//   pods "x" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "c" must not include "NET_ADMIN" in securityContext.capabilities.add)
// The checks run over the whole pod (init, regular and ephemeral containers, in that order), the
// baseline ones first and then the restricted ones, each in the order of its id, as upstream's
// evaluator lists them. The sandbox enforces it where Pystol meets it: updates of the
// `ephemeralcontainers` subresource (lib/sandbox/ephemeral.ts), which upstream always evaluates.
import { ApiError } from "./errors";
import { NAMESPACE } from "./resources";
import type { Store } from "./store";
import { isObject, type KObject } from "./types";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export const ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";

type Obj = Record<string, unknown>;
interface Named {
  name: string;
  securityContext?: Obj;
  ports?: { hostPort?: number }[];
}

/** The capabilities the baseline level admits (upstream's capabilities_baseline check). */
const BASELINE_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
const RESTRICTED_VOLUMES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

const quoteJoin = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(", ");
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const containersPhrase = (names: string[]) => `${plural(names.length, "container", "containers")} ${quoteJoin(names)}`;

/** The level a namespace enforces: its label, privileged without one, restricted for a value upstream cannot parse. */
export function enforcedLevel(ns: KObject | undefined): { level: PodSecurityLevel; version: string } {
  const labels = ns?.metadata.labels ?? {};
  const raw = labels[ENFORCE_LABEL];
  const version = labels[ENFORCE_VERSION_LABEL] || "latest";
  if (raw === undefined) return { level: "privileged", version };
  const level = raw === "privileged" || raw === "baseline" || raw === "restricted" ? raw : "restricted";
  return { level, version };
}

function containers(spec: Obj): Named[] {
  const list = (k: string) => (Array.isArray(spec[k]) ? (spec[k] as unknown[]).filter(isObject) : []) as unknown as Named[];
  return [...list("initContainers"), ...list("containers"), ...list("ephemeralContainers")];
}

const sc = (c: Named): Obj => (isObject(c.securityContext) ? c.securityContext : {});

interface Violation {
  reason: string;
  detail: string;
}

function baselineChecks(spec: Obj, restricted: boolean): Violation[] {
  const out: Violation[] = [];
  const cs = containers(spec);
  if (!restricted) {
    const bad: string[] = [];
    const caps = new Set<string>();
    for (const c of cs) {
      const add = (isObject(sc(c).capabilities) ? ((sc(c).capabilities as Obj).add as unknown[] | undefined) : undefined) ?? [];
      const extra = add.map(String).filter((x) => !BASELINE_CAPABILITIES.has(x));
      if (extra.length) {
        bad.push(c.name);
        extra.forEach((x) => caps.add(x));
      }
    }
    if (bad.length) out.push({ reason: "non-default capabilities", detail: `${containersPhrase(bad)} must not include ${quoteJoin([...caps].sort())} in securityContext.capabilities.add` });
  }
  const host = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => spec[k] === true).map((k) => `${k}=true`);
  if (host.length) out.push({ reason: "host namespaces", detail: host.join(", ") });
  const volumes = (Array.isArray(spec.volumes) ? spec.volumes.filter(isObject) : []) as Obj[];
  if (!restricted) {
    const hostPath = volumes.filter((v) => isObject(v.hostPath)).map((v) => String(v.name));
    if (hostPath.length) out.push({ reason: "hostPath volumes", detail: `${plural(hostPath.length, "volume", "volumes")} ${quoteJoin(hostPath)}` });
  }
  const ports: string[] = [];
  const portOwners: string[] = [];
  for (const c of cs)
    for (const p of c.ports ?? [])
      if (p.hostPort) {
        if (!portOwners.includes(c.name)) portOwners.push(c.name);
        ports.push(String(p.hostPort));
      }
  if (ports.length) out.push({ reason: "hostPort", detail: `${containersPhrase(portOwners)} ${plural(ports.length, "uses hostPort", "use hostPorts")} ${ports.join(", ")}` });
  const privileged = cs.filter((c) => sc(c).privileged === true).map((c) => c.name);
  if (privileged.length) out.push({ reason: "privileged", detail: `${containersPhrase(privileged)} must not set securityContext.privileged=true` });
  return out;
}

function restrictedChecks(spec: Obj): Violation[] {
  const out: Violation[] = [];
  const cs = containers(spec);
  const podSc = isObject(spec.securityContext) ? spec.securityContext : {};
  const escalating = cs.filter((c) => sc(c).allowPrivilegeEscalation !== false).map((c) => c.name);
  if (escalating.length) out.push({ reason: "allowPrivilegeEscalation != false", detail: `${containersPhrase(escalating)} must set securityContext.allowPrivilegeEscalation=false` });
  const noDrop: string[] = [];
  const adding: string[] = [];
  const added = new Set<string>();
  for (const c of cs) {
    const caps = isObject(sc(c).capabilities) ? (sc(c).capabilities as Obj) : {};
    if (!((caps.drop as unknown[] | undefined) ?? []).map(String).includes("ALL")) noDrop.push(c.name);
    const extra = ((caps.add as unknown[] | undefined) ?? []).map(String).filter((x) => x !== "NET_BIND_SERVICE");
    if (extra.length) {
      adding.push(c.name);
      extra.forEach((x) => added.add(x));
    }
  }
  const capDetails = [
    ...(noDrop.length ? [`${containersPhrase(noDrop)} must set securityContext.capabilities.drop=["ALL"]`] : []),
    ...(adding.length ? [`${containersPhrase(adding)} must not include ${quoteJoin([...added].sort())} in securityContext.capabilities.add`] : []),
  ];
  if (capDetails.length) out.push({ reason: "unrestricted capabilities", detail: capDetails.join("; ") });
  const volumes = (Array.isArray(spec.volumes) ? spec.volumes.filter(isObject) : []) as Obj[];
  const badVolumes = volumes
    .map((v) => ({ name: String(v.name), type: Object.keys(v).find((k) => k !== "name" && !RESTRICTED_VOLUMES.has(k)) }))
    .filter((v): v is { name: string; type: string } => v.type !== undefined);
  if (badVolumes.length)
    out.push({
      reason: "restricted volume types",
      detail: badVolumes.length === 1 ? `volume ${JSON.stringify(badVolumes[0]!.name)} uses restricted volume type ${JSON.stringify(badVolumes[0]!.type)}` : `volumes ${quoteJoin(badVolumes.map((v) => v.name))} use restricted volume types ${quoteJoin([...new Set(badVolumes.map((v) => v.type))].sort())}`,
    });
  const nonRoot: string[] = [];
  if (podSc.runAsNonRoot === false) nonRoot.push("pod must not set securityContext.runAsNonRoot=false");
  const explicitFalse = cs.filter((c) => sc(c).runAsNonRoot === false).map((c) => c.name);
  if (explicitFalse.length) nonRoot.push(`${containersPhrase(explicitFalse)} must not set securityContext.runAsNonRoot=false`);
  if (podSc.runAsNonRoot !== true) {
    const unset = cs.filter((c) => sc(c).runAsNonRoot === undefined).map((c) => c.name);
    if (unset.length) nonRoot.push(`pod or ${containersPhrase(unset)} must set securityContext.runAsNonRoot=true`);
  }
  if (nonRoot.length) out.push({ reason: "runAsNonRoot != true", detail: nonRoot.join("; ") });
  const root: string[] = [];
  if (podSc.runAsUser === 0) root.push("pod must not set runAsUser=0");
  const rootContainers = cs.filter((c) => sc(c).runAsUser === 0).map((c) => c.name);
  if (rootContainers.length) root.push(`${containersPhrase(rootContainers)} must not set runAsUser=0`);
  if (root.length) out.push({ reason: "runAsUser=0", detail: root.join("; ") });
  const typeOf = (o: Obj) => (isObject(o.seccompProfile) ? String(o.seccompProfile.type ?? "") : undefined);
  const okType = (t: string | undefined) => t === "RuntimeDefault" || t === "Localhost";
  const seccomp: string[] = [];
  const podType = typeOf(podSc);
  if (podType !== undefined && !okType(podType)) seccomp.push(`pod must not set securityContext.seccompProfile.type to ${JSON.stringify(podType)}`);
  const badType = cs.filter((c) => typeOf(sc(c)) !== undefined && !okType(typeOf(sc(c))));
  for (const t of [...new Set(badType.map((c) => typeOf(sc(c))!))]) seccomp.push(`${containersPhrase(badType.filter((c) => typeOf(sc(c)) === t).map((c) => c.name))} must not set securityContext.seccompProfile.type to ${JSON.stringify(t)}`);
  if (!okType(podType)) {
    const unset = cs.filter((c) => typeOf(sc(c)) === undefined).map((c) => c.name);
    if (unset.length && podType === undefined) seccomp.push(`pod or ${containersPhrase(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  }
  if (seccomp.length) out.push({ reason: "seccompProfile", detail: seccomp.join("; ") });
  return out;
}

/** What a pod violates at a level: empty when admitted. */
export function podSecurityViolations(pod: KObject, level: PodSecurityLevel): Violation[] {
  if (level === "privileged") return [];
  const spec = (pod.spec ?? {}) as Obj;
  const restricted = level === "restricted";
  return [...baselineChecks(spec, restricted), ...(restricted ? restrictedChecks(spec) : [])];
}

/** Refuse a pod its namespace's enforced level forbids, with the admission plugin's 403. */
export function enforcePodSecurity(store: Store, pod: KObject) {
  const ns = pod.metadata.namespace ?? "";
  const { level, version } = enforcedLevel(store.get(NAMESPACE, "", ns));
  const v = podSecurityViolations(pod, level);
  if (!v.length) return;
  const name = pod.metadata.name ?? "";
  throw new ApiError(403, "Forbidden", `pods ${JSON.stringify(name)} is forbidden: violates PodSecurity "${level}:${version}": ${v.map((x) => `${x.reason} (${x.detail})`).join(", ")}`, { name, kind: "pods" });
}
