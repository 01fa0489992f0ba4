import { invalid, type FieldCause } from "./errors";
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
    out.push({ field: "spec.replicas", message: "must be greater than or equal to 0" });
  if (needsSelector) {
    if (!isObject(spec.selector)) out.push({ field: "spec.selector", message: "Required value", reason: "FieldValueRequired" });
    else {
      const labels = isObject(tpl) && isObject(tpl.metadata) ? (tpl.metadata.labels as Record<string, string>) : undefined;
      if (!labelSelectorMatcher(spec.selector)(labels))
        out.push({ field: "spec.template.metadata.labels", message: "Invalid value: `selector` does not match template `labels`" });
    }
  }
  return out;
}

/** Reject objects the real API server would refuse (422 Invalid), for the checks that matter here. */
export function validateObject(t: ResourceType, obj: KObject) {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  let causes: FieldCause[] = [];
  const labels = obj.metadata.labels;
  if (labels !== undefined && !isObject(labels)) causes.push({ field: "metadata.labels", message: "must be a map of strings" });
  else if (labels)
    for (const [k, v] of Object.entries(labels))
      if (typeof v !== "string" || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v))
        causes.push({ field: `metadata.labels`, message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'` + ` (key ${k})` });
  switch (`${t.group}/${t.plural}`) {
    case "/pods":
      causes.push(...containersCauses(obj.spec, "spec"));
      break;
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
  causes = causes.slice(0, 10);
  if (causes.length) throw invalid(obj.kind ?? t.kind, t.group, obj.metadata.name ?? "", causes);
}
