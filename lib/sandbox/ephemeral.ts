// The pods/ephemeralcontainers subresource as kube-apiserver serves it: GET answers the Pod, PUT
// and PATCH (strategic merge, JSON merge, JSON patch: what `kubectl debug` and client libraries
// send) change only spec.ephemeralContainers (upstream's dropNonEphemeralContainerUpdates), then
// ValidatePodEphemeralContainersUpdate's rules apply, in its words (pkg/apis/core/validation):
// new containers are validated like any container, minus the fields ephemeral ones may not have;
// names are unique across all containers; targetContainerName names a regular or init container;
// existing ephemeral containers may be neither removed nor changed. Pod Security admission then
// evaluates the whole pod against the namespace's enforced level (lib/sandbox/pod-security.ts).
import { defaultContainer } from "./defaults";
import { invalid, type FieldCause } from "./errors";
import { nameError } from "./names";
import { enforcePodSecurity } from "./pod-security";
import type { Store } from "./store";
import { isObject, type KObject } from "./types";

export const EPHEMERAL_SUBRESOURCE = "ephemeralcontainers";

type Obj = Record<string, unknown>;

/**
 * EphemeralContainerCommon's fields in the order of the Go struct (validateFieldAllowList walks
 * them so, and lists forbidden ones in that order), with whether an ephemeral container may set them.
 */
const FIELDS: [string, boolean][] = [
  ["name", true],
  ["image", true],
  ["command", true],
  ["args", true],
  ["workingDir", true],
  ["ports", false],
  ["envFrom", true],
  ["env", true],
  ["resources", false],
  ["resizePolicy", false],
  ["restartPolicy", false],
  ["volumeMounts", true],
  ["volumeDevices", true],
  ["livenessProbe", false],
  ["readinessProbe", false],
  ["startupProbe", false],
  ["lifecycle", false],
  ["terminationMessagePath", true],
  ["terminationMessagePolicy", true],
  ["imagePullPolicy", true],
  ["securityContext", true],
  ["stdin", true],
  ["stdinOnce", true],
  ["tty", true],
];

/** Go's zero value: absent, null, false, 0, "", [] or an object holding only zero values. */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.values(v).every(isZero);
  return false;
}

export const ephemeralContainersOf = (pod: KObject): Obj[] => {
  const list = (pod.spec as { ephemeralContainers?: unknown } | undefined)?.ephemeralContainers;
  return Array.isArray(list) ? list.filter(isObject) : [];
};

const namesOf = (spec: Obj, key: string): string[] => (Array.isArray(spec[key]) ? (spec[key] as unknown[]).filter(isObject).map((c) => String(c.name ?? "")) : []);

/** The causes a new pod spec's ephemeral containers violate (validateEphemeralContainers). */
function specCauses(spec: Obj): FieldCause[] {
  const out: FieldCause[] = [];
  const others = new Set([...namesOf(spec, "containers"), ...namesOf(spec, "initContainers")]);
  const all = new Set(others);
  const volumes = new Set(namesOf(spec, "volumes"));
  ephemeralContainersOf({ metadata: {}, spec }).forEach((ec, i) => {
    const at = `spec.ephemeralContainers[${i}]`;
    const name = typeof ec.name === "string" ? ec.name : "";
    if (!name) out.push({ field: `${at}.name`, message: "Required value", reason: "FieldValueRequired" });
    else {
      const err = nameError(name, true);
      if (err) out.push({ field: `${at}.name`, message: `Invalid value: ${JSON.stringify(name)}: ${err} (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')` });
    }
    if (typeof ec.image !== "string" || !ec.image.trim()) out.push({ field: `${at}.image`, message: "Required value", reason: "FieldValueRequired" });
    const mounts = Array.isArray(ec.volumeMounts) ? ec.volumeMounts.filter(isObject) : [];
    mounts.forEach((m, j) => {
      if (!volumes.has(String(m.name ?? ""))) out.push({ field: `${at}.volumeMounts[${j}].name`, message: `Not found: ${JSON.stringify(String(m.name ?? ""))}`, reason: "FieldValueNotFound" });
    });
    if (name) {
      if (all.has(name)) out.push({ field: `${at}.name`, message: `Duplicate value: ${JSON.stringify(name)}`, reason: "FieldValueDuplicate" });
      else all.add(name);
    }
    const target = ec.targetContainerName;
    if (typeof target === "string" && target !== "" && !others.has(target))
      out.push({ field: `${at}.targetContainerName`, message: `Not found: ${JSON.stringify(target)}`, reason: "FieldValueNotFound" });
    for (const [field, allowed] of FIELDS) if (!allowed && !isZero(ec[field])) out.push({ field: `${at}.${field}`, message: "Forbidden: cannot be set for an Ephemeral Container", reason: "FieldValueForbidden" });
    mounts.forEach((m, j) => {
      for (const f of ["subPath", "subPathExpr"])
        if (typeof m[f] === "string" && m[f] !== "") out.push({ field: `${at}.volumeMounts[${j}].${f}`, message: "Forbidden: cannot be set for an Ephemeral Container", reason: "FieldValueForbidden" });
    });
  });
  return out;
}

/** A line per field that differs, for the "may not be changed" message (upstream prints a go-cmp diff). */
function diff(a: Obj, b: Obj): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null))
    .map((k) => `- ${k}: ${JSON.stringify(a[k] ?? null)}\n+ ${k}: ${JSON.stringify(b[k] ?? null)}`)
    .join("\n");
}

/** Part 2 of ValidatePodEphemeralContainersUpdate: existing ephemeral containers stay as they were. */
function updateCauses(before: KObject, next: KObject): FieldCause[] {
  const now = new Map(ephemeralContainersOf(next).map((c) => [String(c.name), c]));
  const out: FieldCause[] = [];
  for (const old of ephemeralContainersOf(before)) {
    const name = String(old.name);
    const cur = now.get(name);
    if (!cur) out.push({ field: "spec.ephemeralContainers", message: `Forbidden: existing ephemeral containers ${JSON.stringify(name)} may not be removed\n`, reason: "FieldValueForbidden" });
    else if (JSON.stringify(sortKeys(old)) !== JSON.stringify(sortKeys(cur)))
      out.push({ field: "spec.ephemeralContainers", message: `Forbidden: existing ephemeral containers ${JSON.stringify(name)} may not be changed\n${diff(old, cur)}`, reason: "FieldValueForbidden" });
  }
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/**
 * What an update through the subresource keeps of the body: the stored pod with the body's
 * ephemeral containers (defaulted as SetDefaults_EphemeralContainer does), nothing else.
 */
export function withEphemeralContainers(cur: KObject, body: KObject): KObject {
  const list = (body.spec as { ephemeralContainers?: unknown } | undefined)?.ephemeralContainers;
  const next = structuredClone(cur);
  const spec = (next.spec ??= {}) as Obj;
  if (Array.isArray(list) && list.length) {
    spec.ephemeralContainers = structuredClone(list);
    for (const c of spec.ephemeralContainers as unknown[]) if (isObject(c)) defaultContainer(c);
  } else delete spec.ephemeralContainers;
  if (body.metadata.resourceVersion !== undefined) next.metadata.resourceVersion = body.metadata.resourceVersion;
  return next;
}

/** Validation and admission of an update through the subresource: 422 in upstream's words, then Pod Security's 403. */
export function checkEphemeralUpdate(store: Store, before: KObject, next: KObject) {
  const causes = [...specCauses((next.spec ?? {}) as Obj), ...updateCauses(before, next)];
  if (causes.length) throw invalid("Pod", "", before.metadata.name!, causes);
  enforcePodSecurity(store, next);
}

/** A pod may not be created with ephemeral containers (they are added through the subresource). */
export function createCauses(pod: KObject): FieldCause[] {
  return ephemeralContainersOf(pod).length ? [{ field: "spec.ephemeralContainers", message: "Forbidden: cannot be set on create", reason: "FieldValueForbidden" }] : [];
}
