import { kindDefaults } from "./kinds";
import { isObject, type KObject } from "./types";

type Obj = Record<string, unknown>;

export function defaultContainer(c: unknown) {
  if (!isObject(c)) return;
  c.imagePullPolicy ||= typeof c.image === "string" && (c.image.endsWith(":latest") || !c.image.includes(":")) ? "Always" : "IfNotPresent";
  c.resources ??= {};
  c.terminationMessagePath ||= "/dev/termination-log";
  c.terminationMessagePolicy ||= "File";
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) p.protocol ??= "TCP";
}

/** The pod spec defaults that templates get too (SetDefaults_PodSpec and its containers'). */
function defaultTemplateSpec(spec: Obj) {
  spec.restartPolicy ||= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ||= "ClusterFirst";
  spec.schedulerName ||= "default-scheduler";
  spec.securityContext ??= {};
  if (Array.isArray(spec.containers)) spec.containers.forEach(defaultContainer);
  if (Array.isArray(spec.initContainers)) spec.initContainers.forEach(defaultContainer);
}

/**
 * Fill the pod spec defaults that kubectl describe and get show: the template's, and what only a
 * pod gets (SetDefaults_Pod and the ServiceAccount, Priority and DefaultTolerationSeconds
 * admission plugins), which a Deployment's template does not show.
 */
export function defaultPodSpec(spec: Obj) {
  defaultTemplateSpec(spec);
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ||= "PreemptLowerPriority";
  spec.priority ??= 0;
  spec.serviceAccountName ||= "default";
  spec.serviceAccount ||= spec.serviceAccountName;
  spec.tolerations ??= [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  ];
}

function defaultTemplate(spec: Obj) {
  if (isObject(spec.template)) {
    const t = spec.template;
    t.metadata ??= {};
    // What a Go client serialises for an unset time in a template.
    if (isObject(t.metadata) && !("creationTimestamp" in t.metadata)) t.metadata.creationTimestamp = null;
    if (isObject(t.spec)) defaultTemplateSpec(t.spec);
  }
}

/** Apply the API server's defaults for a newly created or updated object. */
export function applyDefaults(plural: string, group: string, obj: KObject) {
  const spec = (obj.spec ??= {}) as Obj;
  switch (`${group}/${plural}`) {
    case "/pods":
      defaultPodSpec(spec);
      break;
    case "apps/deployments":
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
      defaultTemplate(spec);
      break;
    case "apps/replicasets":
      spec.replicas ??= 1;
      defaultTemplate(spec);
      break;
    case "apps/statefulsets":
      spec.replicas ??= 1;
      spec.podManagementPolicy ||= "OrderedReady";
      spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
      spec.revisionHistoryLimit ??= 10;
      defaultTemplate(spec);
      break;
    case "apps/daemonsets":
      spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      spec.revisionHistoryLimit ??= 10;
      defaultTemplate(spec);
      break;
    case "batch/jobs":
      spec.parallelism ??= 1;
      spec.completions ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ||= "NonIndexed";
      spec.suspend ??= false;
      defaultTemplate(spec);
      break;
    case "/services":
      spec.type ||= "ClusterIP";
      spec.sessionAffinity ||= "None";
      spec.ipFamilies ??= ["IPv4"];
      spec.ipFamilyPolicy ||= "SingleStack";
      spec.internalTrafficPolicy ||= "Cluster";
      if (Array.isArray(spec.ports))
        for (const p of spec.ports) if (isObject(p)) {
          p.protocol ||= "TCP";
          p.targetPort ??= p.port as number;
        }
      break;
    case "/namespaces":
      spec.finalizers ??= ["kubernetes"];
      break;
    default:
      if (Object.keys(spec).length === 0) delete obj.spec;
  }
  kindDefaults({ group, plural }, obj);
}
