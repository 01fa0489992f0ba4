import { invalid, type FieldCause } from "./errors";
import { createCauses } from "./ephemeral";
import { kindCauses } from "./kinds";
import { podTemplateCauses } from "./pod-template-validation";
import { rbacUpdateCauses } from "./rbac";
import { labelSelectorMatcher } from "./selectors";
import { isObject, type KObject } from "./types";
import type { ResourceType } from "./resources";

function containersCauses(spec: unknown, path: string): FieldCause[] {
  if (!isObject(spec)) return [{ field: path, message: "Required value", reason: "FieldValueRequired" }];
  const cs = spec.containers;
  if (!Array.isArray(cs) || cs.length === 0)
    return [{ field: `${path}.containers`, message: "Required value", reason: "FieldValueRequired" }];
  const out: FieldCause[] = [];
  cs.forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== "string" || !c.name)
      out.push({ field: `${path}.containers[${i}].name`, message: "Required value", reason: "FieldValueRequired" });
    if (!isObject(c) || typeof c.image !== "string" || !c.image)
      out.push({ field: `${path}.containers[${i}].image`, message: "Required value", reason: "FieldValueRequired" });
  });
  return out;
}

function workloadCauses(spec: Record<string, unknown>, needsSelector: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  const tpl = spec.template;
  out.push(...containersCauses(isObject(tpl) ? tpl.spec : undefined, "spec.template.spec"));
  if (typeof spec.replicas === "number" && spec.replicas < 0)
    out.push({ field: "spec.replicas", message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0` });
  if (needsSelector) {
    if (!isObject(spec.selector)) out.push({ field: "spec.selector", message: "Required value", reason: "FieldValueRequired" });
    else {
      const labels = isObject(tpl) && isObject(tpl.metadata) ? (tpl.metadata.labels as Record<string, string>) : undefined;
      if (!labelSelectorMatcher(spec.selector)(labels))
        out.push({ field: "spec.template.metadata.labels", message: `Invalid value: ${goMap(labels ?? {})}: \`selector\` does not match template \`labels\`` });
    }
  }
  return out;
}

/** A string map as Go's %#v prints it, which upstream's messages quote. */
const goMap = (m: Record<string, unknown>) =>
  `map[string]string{${Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(m[k]))}`)
    .join(", ")}}`;

function goSelector(sel: unknown): string {
  const s = (isObject(sel) ? sel : {}) as { matchLabels?: Record<string, unknown>; matchExpressions?: unknown[] };
  const labels = s.matchLabels ? goMap(s.matchLabels) : "map[string]string(nil)";
  const exprs = s.matchExpressions?.length ? `[]v1.LabelSelectorRequirement{...}` : "[]v1.LabelSelectorRequirement(nil)";
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

const IMMUTABLE = "Forbidden: field is immutable when `immutable` is set";
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What an update may not change: immutable ConfigMaps and Secrets, workload selectors. */
function updateCauses(t: ResourceType, obj: KObject, cur: KObject): FieldCause[] {
  const out: FieldCause[] = [];
  const key = `${t.group}/${t.plural}`;
  if ((key === "/configmaps" || key === "/secrets") && cur.immutable === true) {
    if (!same(obj.data, cur.data)) out.push({ field: "data", message: IMMUTABLE, reason: "FieldValueForbidden" });
    if (!same(obj.binaryData, cur.binaryData)) out.push({ field: "binaryData", message: IMMUTABLE, reason: "FieldValueForbidden" });
    if (obj.immutable !== true) out.push({ field: "immutable", message: IMMUTABLE, reason: "FieldValueForbidden" });
  }
  if (t.group === "apps" && t.plural !== "controllerrevisions") {
    const sel = (obj.spec as { selector?: unknown } | undefined)?.selector;
    if (!same(sel, (cur.spec as { selector?: unknown } | undefined)?.selector))
      out.push({ field: "spec.selector", message: `Invalid value: ${goSelector(sel)}: field is immutable` });
  }
  return out;
}

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];

/** Reject objects the real API server would refuse (422 Invalid), for the checks that matter here; `cur` for an update. */
export function validateObject(t: ResourceType, obj: KObject, cur?: KObject) {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  let causes: FieldCause[] = [];
  const labels = obj.metadata.labels;
  if (labels !== undefined && !isObject(labels)) causes.push({ field: "metadata.labels", message: "must be a map of strings" });
  else if (labels)
    for (const [k, v] of Object.entries(labels))
      if (typeof v !== "string" || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v))
        causes.push({ field: `metadata.labels`, message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'` + ` (key ${k})` });
  switch (`${t.group}/${t.plural}`) {
    case "/pods": {
      causes.push(...containersCauses(obj.spec, "spec"));
      if (!cur) causes.push(...createCauses(obj));
      const rp = spec.restartPolicy;
      if (rp !== undefined && !RESTART_POLICIES.includes(String(rp)))
        causes.push({ field: "spec.restartPolicy", message: `Unsupported value: ${JSON.stringify(rp)}: supported values: ${RESTART_POLICIES.map((x) => `"${x}"`).join(", ")}`, reason: "FieldValueNotSupported" });
      break;
    }
    case "apps/deployments":
    case "apps/replicasets":
    case "apps/daemonsets":
    case "apps/statefulsets":
      causes.push(...workloadCauses(spec, true));
      break;
    case "batch/jobs": {
      causes.push(...workloadCauses(spec, false));
      const tpl = spec.template;
      const rp = isObject(tpl) && isObject(tpl.spec) ? tpl.spec.restartPolicy : undefined;
      if (rp !== "Never" && rp !== "OnFailure")
        causes.push({ field: "spec.template.spec.restartPolicy", message: `Unsupported value: "${String(rp ?? "Always")}": supported values: "OnFailure", "Never"`, reason: "FieldValueNotSupported" });
      break;
    }
    case "/services":
      if (spec.type !== "ExternalName" && (!Array.isArray(spec.ports) || spec.ports.length === 0))
        causes.push({ field: "spec.ports", message: "Required value", reason: "FieldValueRequired" });
      break;
    case "policy/poddisruptionbudgets":
      if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
        causes.push({ field: "spec", message: "minAvailable and maxUnavailable cannot be both set" });
      break;
  }
  causes.push(...kindCauses(t, obj), ...podTemplateCauses(t, obj));
  if (cur) causes.push(...updateCauses(t, obj, cur), ...rbacUpdateCauses(t, cur, obj));
  causes = causes.slice(0, 10);
  if (causes.length) throw invalid(obj.kind ?? t.kind, t.group, obj.metadata.name ?? "", causes);
}

// The fields each kind's schema knows at its top level and in metadata: anything else in a
// request body is an unknown field, dropped with a warning or refused (fieldValidation=Strict).
const METADATA_FIELDS = new Set(["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields"]);
const TOP_FIELDS: Record<string, string[]> = {
  configmaps: ["data", "binaryData", "immutable"],
  secrets: ["data", "stringData", "type", "immutable"],
  serviceaccounts: ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
  events: ["involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance"],
  endpoints: ["subsets"],
  "apps/controllerrevisions": ["data", "revision"],
  "rbac.authorization.k8s.io/roles": ["rules"],
  "rbac.authorization.k8s.io/clusterroles": ["rules", "aggregationRule"],
  "rbac.authorization.k8s.io/rolebindings": ["subjects", "roleRef"],
  "rbac.authorization.k8s.io/clusterrolebindings": ["subjects", "roleRef"],
  "storage.k8s.io/storageclasses": ["provisioner", "parameters", "reclaimPolicy", "mountOptions", "allowVolumeExpansion", "volumeBindingMode", "allowedTopologies"],
  "scheduling.k8s.io/priorityclasses": ["value", "globalDefault", "description", "preemptionPolicy"],
};

/** Removes the fields the kind's schema does not know from a request body; returns their paths. */
export function dropUnknownFields(t: ResourceType, body: unknown): string[] {
  if (!isObject(body)) return [];
  const known = new Set(["apiVersion", "kind", "metadata", ...(TOP_FIELDS[t.group ? `${t.group}/${t.plural}` : t.plural] ?? ["spec", "status"])]);
  const out: string[] = [];
  for (const k of Object.keys(body))
    if (!known.has(k)) {
      out.push(k);
      delete body[k];
    }
  if (isObject(body.metadata))
    for (const k of Object.keys(body.metadata))
      if (!METADATA_FIELDS.has(k)) {
        out.push(`metadata.${k}`);
        delete body.metadata[k];
      }
  return out;
}
