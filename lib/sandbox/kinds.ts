import type { FieldCause } from "./errors";
import { networkPolicyRuleCauses } from "./network-policy-validation";
import { rbacCauses, rbacDefaults, RBAC_GROUP } from "./rbac";
import type { ResourceType } from "./resources";
import { isObject, type KObject } from "./types";

// Defaults and validation of the kinds served beside the workloads: PersistentVolumeClaims,
// ResourceQuotas, LimitRanges, HorizontalPodAutoscalers (v2), NetworkPolicies, Ingresses,
// StorageClasses, PriorityClasses and RBAC, with upstream's defaulting functions and the
// messages of its validation (pkg/apis/*/validation). None of them is acted on by a controller
// here: a claim stays Pending, a quota or limit range is stored but not enforced, an HPA does not
// scale, a network policy does not change the simulated network.

type Obj = Record<string, unknown>;

const required = (field: string, detail = ""): FieldCause => ({ field, message: detail ? `Required value: ${detail}` : "Required value", reason: "FieldValueRequired" });
const notSupported = (field: string, value: unknown, allowed: string[]): FieldCause => ({
  field,
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
  reason: "FieldValueNotSupported",
});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Obj => (isObject(v) ? v : {});

const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

function defaultPorts(rules: unknown) {
  for (const r of list(rules)) for (const p of list(obj(r).ports)) if (isObject(p)) p.protocol ??= "TCP";
}

function limitRangeItemDefaults(item: Obj) {
  if (item.type !== "Container") return;
  const def = { ...obj(item.default) };
  const req = { ...obj(item.defaultRequest) };
  for (const [k, v] of Object.entries(obj(item.max))) if (!(k in def)) def[k] = v;
  for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
  for (const [k, v] of Object.entries(obj(item.min))) if (!(k in req)) req[k] = v;
  if (Object.keys(def).length) item.default = def;
  if (Object.keys(req).length) item.defaultRequest = req;
}

/** Upstream's defaults for these kinds (after the generic ones of lib/sandbox/defaults.ts). */
export function kindDefaults(t: Pick<ResourceType, "group" | "plural">, o: KObject) {
  const spec = obj(o.spec);
  switch (`${t.group}/${t.plural}`) {
    case "/persistentvolumeclaims":
      o.spec = spec;
      spec.volumeMode ??= "Filesystem";
      break;
    case "/limitranges":
      for (const item of list(spec.limits)) if (isObject(item)) limitRangeItemDefaults(item);
      break;
    case "autoscaling/horizontalpodautoscalers":
      o.spec = spec;
      spec.minReplicas ??= 1;
      if (list(spec.metrics).length === 0) spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }];
      if (isObject(spec.behavior)) {
        const b = spec.behavior;
        const up = obj(b.scaleUp);
        up.stabilizationWindowSeconds ??= 0;
        up.selectPolicy ??= "Max";
        up.policies ??= [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }];
        const down = obj(b.scaleDown);
        down.stabilizationWindowSeconds ??= 300;
        down.selectPolicy ??= "Max";
        down.policies ??= [{ type: "Percent", value: 100, periodSeconds: 15 }];
        b.scaleUp = up;
        b.scaleDown = down;
      }
      break;
    case "networking.k8s.io/networkpolicies":
      o.spec = spec;
      spec.podSelector ??= {};
      if (list(spec.policyTypes).length === 0) spec.policyTypes = list(spec.egress).length ? ["Ingress", "Egress"] : ["Ingress"];
      defaultPorts(spec.ingress);
      defaultPorts(spec.egress);
      break;
    case "networking.k8s.io/ingresses":
      if (!o.status) o.status = { loadBalancer: {} };
      break;
    case "storage.k8s.io/storageclasses":
      o.reclaimPolicy ??= "Delete";
      o.volumeBindingMode ??= "Immediate";
      break;
    case "scheduling.k8s.io/priorityclasses":
      o.preemptionPolicy ??= "PreemptLowerPriority";
      break;
    default:
      if (t.group === RBAC_GROUP) rbacDefaults(t, o);
  }
}

/** Causes for refusing an object of these kinds (422 Invalid); empty for other kinds. */
export function kindCauses(t: ResourceType, o: KObject): FieldCause[] {
  const spec = obj(o.spec);
  const out: FieldCause[] = [];
  switch (`${t.group}/${t.plural}`) {
    case "/persistentvolumeclaims": {
      const modes = list(spec.accessModes);
      if (modes.length === 0) out.push(required("spec.accessModes", "at least 1 access mode is required"));
      for (const m of modes) if (!ACCESS_MODES.includes(String(m))) out.push(notSupported("spec.accessModes", m, ACCESS_MODES));
      if (obj(obj(spec.resources).requests).storage === undefined) out.push(required("spec.resources[storage]"));
      break;
    }
    case "/limitranges":
      list(spec.limits).forEach((item, i) => {
        if (!obj(item).type) out.push(required(`spec.limits[${i}].type`));
      });
      break;
    case "autoscaling/horizontalpodautoscalers": {
      const ref = obj(spec.scaleTargetRef);
      if (!ref.kind) out.push(required("spec.scaleTargetRef.kind"));
      if (!ref.name) out.push(required("spec.scaleTargetRef.name"));
      const min = typeof spec.minReplicas === "number" ? spec.minReplicas : 1;
      const max = spec.maxReplicas;
      if (min < 1) out.push({ field: "spec.minReplicas", message: `Invalid value: ${min}: must be greater than or equal to 1` });
      if (typeof max !== "number" || max < 1) out.push({ field: "spec.maxReplicas", message: `Invalid value: ${String(max ?? 0)}: must be greater than 0` });
      else if (max < min) out.push({ field: "spec.maxReplicas", message: `Invalid value: ${max}: must be greater than or equal to \`minReplicas\`` });
      break;
    }
    case "networking.k8s.io/networkpolicies":
      list(spec.policyTypes).forEach((p, i) => {
        if (p !== "Ingress" && p !== "Egress") out.push(notSupported(`spec.policyTypes[${i}]`, p, ["Egress", "Ingress"]));
      });
      out.push(...networkPolicyRuleCauses(spec));
      break;
    case "networking.k8s.io/ingresses": {
      const rules = list(spec.rules);
      if (rules.length === 0 && !isObject(spec.defaultBackend))
        out.push({ field: "spec", message: "Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified" });
      rules.forEach((r, i) =>
        list(obj(obj(r).http).paths).forEach((p, j) => {
          const path = obj(p);
          const at = `spec.rules[${i}].http.paths[${j}]`;
          if (!path.pathType) out.push(required(`${at}.pathType`, "pathType must be specified"));
          else if (!["Exact", "Prefix", "ImplementationSpecific"].includes(String(path.pathType)))
            out.push(notSupported(`${at}.pathType`, path.pathType, ["Exact", "ImplementationSpecific", "Prefix"]));
          if (!isObject(path.backend)) out.push(required(`${at}.backend`));
        }),
      );
      break;
    }
    case "storage.k8s.io/storageclasses":
      if (!o.provisioner) out.push(required("provisioner"));
      if (!["Delete", "Retain"].includes(String(o.reclaimPolicy))) out.push(notSupported("reclaimPolicy", o.reclaimPolicy, ["Delete", "Retain"]));
      if (!["Immediate", "WaitForFirstConsumer"].includes(String(o.volumeBindingMode)))
        out.push(notSupported("volumeBindingMode", o.volumeBindingMode, ["Immediate", "WaitForFirstConsumer"]));
      break;
    case "scheduling.k8s.io/priorityclasses":
      if (typeof o.value !== "number") out.push(required("value"));
      else if (o.value > 1_000_000_000 && !String(o.metadata.name).startsWith("system-"))
        out.push({ field: "value", message: `Invalid value: ${o.value}: maximum allowed value of a user defined priority is 1000000000` });
      if (String(o.metadata.name).startsWith("system-") && !["system-node-critical", "system-cluster-critical"].includes(String(o.metadata.name)))
        out.push({ field: "metadata.name", message: `Invalid value: ${JSON.stringify(o.metadata.name)}: priority class names with 'system-' prefix are reserved` });
      break;
    default:
      if (t.group === RBAC_GROUP) out.push(...rbacCauses(t, o));
  }
  return out;
}

/** The priority classes every cluster has. */
export function systemPriorityClasses(at: string): KObject[] {
  return [
    ["system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."],
    ["system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their current node."],
  ].map(([name, value, description]) => ({
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name: name as string, creationTimestamp: at },
    value: value as number,
    globalDefault: false,
    description: description as string,
    preemptionPolicy: "PreemptLowerPriority",
  }));
}
