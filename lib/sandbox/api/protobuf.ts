import { badRequest, ApiError } from "../errors";

// kubectl 1.33's imperative commands (create namespace|configmap|secret|deployment|job|service|
// role|rolebinding|clusterrole|clusterrolebinding|token|priorityclass|quota, run, expose) send their objects as Kubernetes protobuf. This decodes the kinds they send into
// JSON, by the field numbers of k8s.io/api's generated.proto; unknown fields are dropped.

type Kind = "string" | "int" | "bool" | "bytes" | "time" | "quantity" | "intstr" | Msg | MapOf;
interface Msg {
  msg: () => Schema;
}
interface MapOf {
  map: Kind;
}
type Field = [name: string, kind: Kind, repeated?: boolean];
type Schema = Record<number, Field>;

const m = (f: () => Schema): Msg => ({ msg: f });
const map = (k: Kind): MapOf => ({ map: k });

const OwnerReference: Schema = { 1: ["kind", "string"], 3: ["name", "string"], 4: ["uid", "string"], 5: ["apiVersion", "string"], 6: ["controller", "bool"], 7: ["blockOwnerDeletion", "bool"] };
const ObjectMeta: Schema = {
  1: ["name", "string"],
  2: ["generateName", "string"],
  3: ["namespace", "string"],
  5: ["uid", "string"],
  6: ["resourceVersion", "string"],
  7: ["generation", "int"],
  8: ["creationTimestamp", "time"],
  11: ["labels", map("string")],
  12: ["annotations", map("string")],
  13: ["ownerReferences", m(() => OwnerReference), true],
  14: ["finalizers", "string", true],
};
const LabelSelectorRequirement: Schema = { 1: ["key", "string"], 2: ["operator", "string"], 3: ["values", "string", true] };
const LabelSelector: Schema = { 1: ["matchLabels", map("string")], 2: ["matchExpressions", m(() => LabelSelectorRequirement), true] };
const ContainerPort: Schema = { 1: ["name", "string"], 2: ["hostPort", "int"], 3: ["containerPort", "int"], 4: ["protocol", "string"], 5: ["hostIP", "string"] };
const EnvVar: Schema = { 1: ["name", "string"], 2: ["value", "string"] };
const Resources: Schema = { 1: ["limits", map("quantity")], 2: ["requests", map("quantity")] };
const VolumeMount: Schema = { 1: ["name", "string"], 2: ["readOnly", "bool"], 3: ["mountPath", "string"], 4: ["subPath", "string"] };
const Container: Schema = {
  1: ["name", "string"],
  2: ["image", "string"],
  3: ["command", "string", true],
  4: ["args", "string", true],
  5: ["workingDir", "string"],
  6: ["ports", m(() => ContainerPort), true],
  7: ["env", m(() => EnvVar), true],
  8: ["resources", m(() => Resources)],
  9: ["volumeMounts", m(() => VolumeMount), true],
  13: ["terminationMessagePath", "string"],
  14: ["imagePullPolicy", "string"],
  16: ["stdin", "bool"],
  17: ["stdinOnce", "bool"],
  18: ["tty", "bool"],
  20: ["terminationMessagePolicy", "string"],
};
const Toleration: Schema = { 1: ["key", "string"], 2: ["operator", "string"], 3: ["value", "string"], 4: ["effect", "string"], 5: ["tolerationSeconds", "int"] };
const PodSpec: Schema = {
  2: ["containers", m(() => Container), true],
  3: ["restartPolicy", "string"],
  4: ["terminationGracePeriodSeconds", "int"],
  5: ["activeDeadlineSeconds", "int"],
  6: ["dnsPolicy", "string"],
  7: ["nodeSelector", map("string")],
  8: ["serviceAccountName", "string"],
  9: ["serviceAccount", "string"],
  10: ["nodeName", "string"],
  11: ["hostNetwork", "bool"],
  16: ["hostname", "string"],
  17: ["subdomain", "string"],
  19: ["schedulerName", "string"],
  20: ["initContainers", m(() => Container), true],
  22: ["tolerations", m(() => Toleration), true],
  24: ["priorityClassName", "string"],
  25: ["priority", "int"],
  30: ["enableServiceLinks", "bool"],
  31: ["preemptionPolicy", "string"],
};
const PodTemplateSpec: Schema = { 1: ["metadata", m(() => ObjectMeta)], 2: ["spec", m(() => PodSpec)] };
const ServicePort: Schema = { 1: ["name", "string"], 2: ["protocol", "string"], 3: ["port", "int"], 4: ["targetPort", "intstr"], 5: ["nodePort", "int"], 6: ["appProtocol", "string"] };
const ServiceSpec: Schema = {
  1: ["ports", m(() => ServicePort), true],
  2: ["selector", map("string")],
  3: ["clusterIP", "string"],
  4: ["type", "string"],
  5: ["externalIPs", "string", true],
  7: ["sessionAffinity", "string"],
  10: ["externalName", "string"],
  18: ["clusterIPs", "string", true],
};
const RollingUpdate: Schema = { 1: ["maxUnavailable", "intstr"], 2: ["maxSurge", "intstr"] };
const Strategy: Schema = { 1: ["type", "string"], 2: ["rollingUpdate", m(() => RollingUpdate)] };
const DeploymentSpec: Schema = {
  1: ["replicas", "int"],
  2: ["selector", m(() => LabelSelector)],
  3: ["template", m(() => PodTemplateSpec)],
  4: ["strategy", m(() => Strategy)],
  5: ["minReadySeconds", "int"],
  6: ["revisionHistoryLimit", "int"],
  7: ["paused", "bool"],
  9: ["progressDeadlineSeconds", "int"],
};
const JobSpec: Schema = {
  1: ["parallelism", "int"],
  2: ["completions", "int"],
  3: ["activeDeadlineSeconds", "int"],
  4: ["selector", m(() => LabelSelector)],
  5: ["manualSelector", "bool"],
  6: ["template", m(() => PodTemplateSpec)],
  7: ["backoffLimit", "int"],
  8: ["ttlSecondsAfterFinished", "int"],
  9: ["completionMode", "string"],
  10: ["suspend", "bool"],
};
const CronJobSpec: Schema = { 1: ["schedule", "string"], 2: ["startingDeadlineSeconds", "int"], 3: ["concurrencyPolicy", "string"], 4: ["suspend", "bool"], 5: ["jobTemplate", m(() => ({ 1: ["metadata", m(() => ObjectMeta)], 2: ["spec", m(() => JobSpec)] }))] };
const withMeta = (spec: Schema): Schema => ({ 1: ["metadata", m(() => ObjectMeta)], 2: ["spec", m(() => spec)] });
const Preconditions: Schema = { 1: ["uid", "string"], 2: ["resourceVersion", "string"] };
const PolicyRule: Schema = { 1: ["verbs", "string", true], 2: ["apiGroups", "string", true], 3: ["resources", "string", true], 4: ["resourceNames", "string", true], 5: ["nonResourceURLs", "string", true] };
const Subject: Schema = { 1: ["kind", "string"], 2: ["apiGroup", "string"], 3: ["name", "string"], 4: ["namespace", "string"] };
const RoleRef: Schema = { 1: ["apiGroup", "string"], 2: ["kind", "string"], 3: ["name", "string"] };
const Role: Schema = { 1: ["metadata", m(() => ObjectMeta)], 2: ["rules", m(() => PolicyRule), true] };
const Binding: Schema = { 1: ["metadata", m(() => ObjectMeta)], 2: ["subjects", m(() => Subject), true], 3: ["roleRef", m(() => RoleRef)] };
const BoundObjectReference: Schema = { 1: ["kind", "string"], 2: ["apiVersion", "string"], 3: ["name", "string"], 4: ["uid", "string"] };

const KINDS: Record<string, Schema> = {
  Namespace: withMeta({ 1: ["finalizers", "string", true] }),
  ConfigMap: { 1: ["metadata", m(() => ObjectMeta)], 2: ["data", map("string")], 3: ["binaryData", map("bytes")], 4: ["immutable", "bool"] },
  Secret: { 1: ["metadata", m(() => ObjectMeta)], 2: ["data", map("bytes")], 3: ["type", "string"], 4: ["stringData", map("string")], 5: ["immutable", "bool"] },
  ServiceAccount: { 1: ["metadata", m(() => ObjectMeta)] },
  Pod: withMeta(PodSpec),
  Service: withMeta(ServiceSpec),
  Deployment: withMeta(DeploymentSpec),
  Job: withMeta(JobSpec),
  CronJob: withMeta(CronJobSpec),
  PodDisruptionBudget: withMeta({ 1: ["minAvailable", "intstr"], 2: ["selector", m(() => LabelSelector)], 3: ["maxUnavailable", "intstr"] }),
  DeleteOptions: { 1: ["gracePeriodSeconds", "int"], 2: ["preconditions", m(() => Preconditions)], 3: ["orphanDependents", "bool"], 4: ["propagationPolicy", "string"], 5: ["dryRun", "string", true] },
  Eviction: { 1: ["metadata", m(() => ObjectMeta)], 2: ["deleteOptions", m(() => KINDS.DeleteOptions!)] },
  Scale: withMeta({ 1: ["replicas", "int"] }),
  SelfSubjectAccessReview: withMeta({
    1: ["resourceAttributes", m(() => ({ 1: ["namespace", "string"], 2: ["verb", "string"], 3: ["group", "string"], 4: ["version", "string"], 5: ["resource", "string"], 6: ["subresource", "string"], 7: ["name", "string"] }))],
    2: ["nonResourceAttributes", m(() => ({ 1: ["path", "string"], 2: ["verb", "string"] }))],
  }),
  SelfSubjectRulesReview: withMeta({ 1: ["namespace", "string"] }),
  Role,
  ClusterRole: { ...Role, 3: ["aggregationRule", m(() => ({ 1: ["clusterRoleSelectors", m(() => LabelSelector), true] }))] },
  RoleBinding: Binding,
  ClusterRoleBinding: Binding,
  TokenRequest: withMeta({ 1: ["audiences", "string", true], 3: ["boundObjectRef", m(() => BoundObjectReference)], 4: ["expirationSeconds", "int"] }),
  PriorityClass: { 1: ["metadata", m(() => ObjectMeta)], 2: ["value", "int"], 3: ["globalDefault", "bool"], 4: ["description", "string"], 5: ["preemptionPolicy", "string"] },
  ResourceQuota: withMeta({ 1: ["hard", map("quantity")], 2: ["scopes", "string", true] }),
  "autoscaling/v1 HorizontalPodAutoscaler": withMeta({
    1: ["scaleTargetRef", m(() => ({ 1: ["kind", "string"], 2: ["name", "string"], 3: ["apiVersion", "string"] }))],
    2: ["minReplicas", "int"],
    3: ["maxReplicas", "int"],
    4: ["targetCPUUtilizationPercentage", "int"],
  }),
  "autoscaling/v2 HorizontalPodAutoscaler": withMeta({
    1: ["scaleTargetRef", m(() => ({ 1: ["kind", "string"], 2: ["name", "string"], 3: ["apiVersion", "string"] }))],
    2: ["minReplicas", "int"],
    3: ["maxReplicas", "int"],
    4: ["metrics", m(() => ({ 1: ["type", "string"], 4: ["resource", m(() => ({ 1: ["name", "string"], 2: ["target", m(() => ({ 1: ["type", "string"], 2: ["value", "quantity"], 3: ["averageValue", "quantity"], 4: ["averageUtilization", "int"] }))] }))] })), true],
  }),
};

class Reader {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  get done() {
    return this.pos >= this.b.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.b.length) throw badRequest("truncated protobuf varint");
      const byte = this.b[this.pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
    throw badRequest("invalid protobuf varint");
  }
  bytes(): Buffer {
    const len = this.varint();
    if (this.pos + len > this.b.length) throw badRequest("truncated protobuf field");
    const out = this.b.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`unsupported protobuf wire type ${wire}`);
  }
}

function scalar(kind: Kind, wire: number, r: Reader): unknown {
  if (kind === "int") return r.varint();
  if (kind === "bool") return r.varint() !== 0;
  const buf = wire === 2 ? r.bytes() : Buffer.alloc(0);
  switch (kind) {
    case "string":
      return buf.toString("utf8");
    case "bytes":
      return buf.toString("base64");
    case "time": {
      const t = decode(buf, { 1: ["seconds", "int"] }) as { seconds?: number };
      return new Date((t.seconds ?? 0) * 1000).toISOString().replace(".000Z", "Z");
    }
    case "quantity":
      return (decode(buf, { 1: ["string", "string"] }) as { string?: string }).string ?? "0";
    case "intstr": {
      const v = decode(buf, { 1: ["type", "int"], 2: ["intVal", "int"], 3: ["strVal", "string"] }) as { type?: number; intVal?: number; strVal?: string };
      return v.type === 1 ? (v.strVal ?? "") : (v.intVal ?? 0);
    }
    default:
      if ("msg" in kind) return decode(buf, kind.msg());
      return undefined;
  }
}

function decode(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    const f = schema[field];
    if (!f) {
      r.skip(wire);
      continue;
    }
    const [name, kind, repeated] = f;
    if (typeof kind === "object" && "map" in kind) {
      const entry = decode(r.bytes(), { 1: ["key", "string"], 2: ["value", kind.map] });
      const target = (out[name] ??= {}) as Record<string, unknown>;
      target[String(entry.key ?? "")] = entry.value ?? (kind.map === "string" ? "" : undefined);
      continue;
    }
    const v = scalar(kind, wire, r);
    if (repeated) ((out[name] ??= []) as unknown[]).push(v);
    else out[name] = v;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decode a Kubernetes protobuf body (magic, runtime.Unknown envelope, typed object) into JSON. */
export function decodeK8sProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest("the body is not a Kubernetes protobuf message");
  const env = decode(body.subarray(4), { 1: ["typeMeta", m(() => ({ 1: ["apiVersion", "string"], 2: ["kind", "string"] }))], 2: ["raw", "bytes"] }) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: string;
  };
  const kind = env.typeMeta?.kind ?? "";
  const schema = KINDS[`${env.typeMeta?.apiVersion ?? ""} ${kind}`] ?? KINDS[kind];
  if (!schema)
    throw new ApiError(415, "UnsupportedMediaType", `the sandbox reads ${kind || "this kind"} only as JSON: the body of the request was in an unknown format - accepted media types include: application/json`);
  const obj = decode(Buffer.from(env.raw ?? "", "base64"), schema);
  return { apiVersion: env.typeMeta?.apiVersion, kind, ...obj };
}
