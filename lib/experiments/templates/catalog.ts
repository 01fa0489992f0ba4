import { z } from "zod";
import { entryChecks, entryShape, labelSelector, namespace, nodeNames, objectName, timingShape, wholeNumber, type CheckInput } from "./params";
import { defineTemplate, type ExperimentTemplate } from "./types";

// The template library. Every default fits the demo shop (lib/sandbox/seed/demo.ts): the shop's
// services in `shop`, its data stores in `shop-data`, seven nodes in three zones. The verdict
// each documents is what templates.e2e.test.ts asserts against a fresh demo shop.

const available = (kind: "Deployment" | "StatefulSet", ns: string, name: string, min: number): CheckInput => ({
  name: `${name} back to ${min} available`,
  type: "kubernetes",
  mode: "after",
  check: { condition: "workload-available", workload: kind, namespace: ns, name, minAvailable: min },
});

const podsReady = (ns: string, selector: string): CheckInput => ({
  name: `every ${ns} pod Ready again`,
  type: "kubernetes",
  mode: "after",
  check: { condition: "pods-ready", namespace: ns, selector, minReadyPercent: 100 },
});

const replicaLost = defineTemplate({
  id: "replica-lost",
  title: "A replica lost",
  fault: "pod kill",
  summary: "Kill one pod of a service that runs several replicas; the others carry its load.",
  teaches:
    "A pod can die at any time: its node reboots, the kernel kills it for memory, a deploy replaces it. With two or more replicas behind a Service, the survivors take its share while the controller starts a replacement. This shows whether they can: the watched page must stay fast while one replica is missing, and the workload must be back to full strength afterwards.",
  params: z.object({
    namespace: namespace("Namespace of the workload", "shop"),
    deployment: objectName("Deployment", "cart"),
    labelSelector: labelSelector("Its pods' label selector", "app=cart"),
    replicas: wholeNumber("Replicas it should have again", 1, 1000, 2),
    ...entryShape,
    ...timingShape,
  }),
  name: (p) => `${p.deployment} survives a replica lost`,
  build: (p) => ({
    description: `Kill one ${p.deployment} pod while ${p.entryService}${p.entryPath} is watched; ${p.deployment} must be back to ${p.replicas} available replicas.`,
    stages: [{ name: `lose a ${p.deployment} pod`, faults: [{ name: `kill one ${p.deployment} pod`, actionId: "pod-kill", params: { namespace: p.namespace, labelSelector: p.labelSelector, count: 1 } }], waitAfterSeconds: p.checkIntervalSeconds * 2 }],
    checks: [...entryChecks(p), available("Deployment", p.namespace, p.deployment, p.replicas)],
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: { verdict: "PASSED", why: "cart runs two replicas at under half their capacity: one carries the load, checkout stays fast, and the deployment replaces the pod within seconds." },
});

const podKillRounds = defineTemplate({
  id: "pod-kill-rounds",
  title: "Pods killed in rounds",
  fault: "pod kill, repeated",
  summary: "Kill a pod of a service, again and again, a few seconds apart.",
  teaches:
    "One lost pod is easy; repeated losses find what is slow to recover: replacements that take long to become Ready, caches that start cold, clients that keep connections to dead pods. Each round kills a pod while the last replacement may still be starting.",
  params: z.object({
    namespace: namespace("Namespace of the workload", "shop"),
    deployment: objectName("Deployment", "catalog"),
    labelSelector: labelSelector("Its pods' label selector", "app=catalog"),
    replicas: wholeNumber("Replicas it should have again", 1, 1000, 2),
    rounds: wholeNumber("Rounds", 2, 100, 3),
    secondsBetweenRounds: wholeNumber("Seconds between rounds", 0, 3600, 10),
    ...entryShape,
    entryPath: entryShape.entryPath.default("/product"),
    ...timingShape,
  }),
  name: (p) => `${p.deployment} survives ${p.rounds} pod kills`,
  build: (p) => ({
    description: `Kill a ${p.deployment} pod ${p.rounds} times, ${p.secondsBetweenRounds} s apart, while ${p.entryService}${p.entryPath} is watched.`,
    stages: [
      {
        name: `kill ${p.deployment} pods in rounds`,
        faults: [{ name: `kill a ${p.deployment} pod per round`, actionId: "pod-kill", params: { namespace: p.namespace, labelSelector: p.labelSelector, count: 1, repeat: p.rounds, intervalSeconds: p.secondsBetweenRounds } }],
        waitAfterSeconds: p.checkIntervalSeconds * 2,
      },
    ],
    checks: [...entryChecks(p), available("Deployment", p.namespace, p.deployment, p.replicas)],
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: { verdict: "PASSED", why: "catalog's second replica serves product pages while each replacement starts; every round heals within a second or two." },
});

const databaseReplicaLost = defineTemplate({
  id: "database-replica-lost",
  title: "A database replica lost",
  fault: "pod kill (StatefulSet)",
  summary: "Kill one pod of a replicated data store; its clients keep working.",
  teaches:
    "Data stores run as StatefulSets: a lost pod comes back with the same name and volume, one at a time. Clients must survive the gap (retries, connecting to the other replica). This shows whether the service in front keeps answering while a replica of its store is gone.",
  params: z.object({
    namespace: namespace("Namespace of the data store", "shop-data"),
    statefulSet: objectName("StatefulSet", "catalog-db"),
    labelSelector: labelSelector("Its pods' label selector", "app=catalog-db"),
    replicas: wholeNumber("Replicas it should have again", 1, 1000, 2),
    ...entryShape,
    entryPath: entryShape.entryPath.default("/product"),
    ...timingShape,
  }),
  name: (p) => `${p.statefulSet} survives a replica lost`,
  build: (p) => ({
    description: `Kill one ${p.statefulSet} pod while ${p.entryService}${p.entryPath} is watched; the StatefulSet must be back to ${p.replicas} available replicas.`,
    stages: [{ name: `lose a ${p.statefulSet} pod`, faults: [{ name: `kill one ${p.statefulSet} pod`, actionId: "pod-kill", params: { namespace: p.namespace, labelSelector: p.labelSelector, count: 1 } }], waitAfterSeconds: p.checkIntervalSeconds * 2 }],
    checks: [...entryChecks(p), available("StatefulSet", p.namespace, p.statefulSet, p.replicas)],
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: { verdict: "PASSED", why: "catalog-db runs two replicas; catalog's queries go to the one left, product pages stay fast, and the StatefulSet recreates the pod." },
});

const dependencyToZero = defineTemplate({
  id: "dependency-to-zero",
  title: "A dependency scaled to zero",
  fault: "scale to zero",
  summary: "Take a service others call away for a while, as a bad deploy or a lost node of a one-replica service would.",
  teaches:
    "Every service a page calls is a way for it to fail. When a required dependency is gone the page fails with it, however many replicas the page itself has; the fix is replicas (and a disruption budget) for the dependency, or making the call optional. This shows which dependencies a page truly needs.",
  params: z.object({
    namespace: namespace("Namespace of the dependency", "shop"),
    deployment: objectName("Dependency (Deployment)", "shipping"),
    durationSeconds: wholeNumber("Keep it at zero for (seconds)", 1, 3600, 30),
    replicas: wholeNumber("Replicas it should have again", 1, 1000, 1),
    ...entryShape,
    ...timingShape,
  }),
  name: (p) => `${p.entryService} without ${p.deployment}`,
  build: (p) => ({
    description: `Scale ${p.deployment} to zero for ${p.durationSeconds} s while ${p.entryService}${p.entryPath} is watched.`,
    stages: [{ name: `${p.deployment} gone`, faults: [{ name: `scale ${p.deployment} to zero`, actionId: "deployment-scale", params: { namespace: p.namespace, name: p.deployment, replicas: 0, durationSeconds: p.durationSeconds } }] }],
    checks: [...entryChecks(p), available("Deployment", p.namespace, p.deployment, p.replicas)],
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: { verdict: "FAILED", why: "checkout calls shipping, which runs one replica: without it every checkout fails with 502, the stop condition trips and shipping is scaled back at once." },
});

const optionalDependencyToZero = defineTemplate({
  id: "optional-dependency-to-zero",
  title: "An optional dependency scaled to zero",
  fault: "scale to zero",
  summary: "Take away a service a page can do without; the page must still answer, with less on it.",
  teaches:
    "Recommendations, ads, reviews: parts of a page that may be missing. A page that degrades gracefully answers without them, quickly, instead of waiting on a timeout or failing. This proves the call really is optional.",
  params: z.object({
    namespace: namespace("Namespace of the dependency", "shop"),
    deployment: objectName("Dependency (Deployment)", "recommendation"),
    durationSeconds: wholeNumber("Keep it at zero for (seconds)", 1, 3600, 30),
    replicas: wholeNumber("Replicas it should have again", 1, 1000, 2),
    ...entryShape,
    entryPath: entryShape.entryPath.default("/"),
    ...timingShape,
  }),
  name: (p) => `${p.entryService} degrades without ${p.deployment}`,
  build: (p) => ({
    description: `Scale ${p.deployment} to zero for ${p.durationSeconds} s; ${p.entryService}${p.entryPath} must keep answering.`,
    stages: [{ name: `${p.deployment} gone`, faults: [{ name: `scale ${p.deployment} to zero`, actionId: "deployment-scale", params: { namespace: p.namespace, name: p.deployment, replicas: 0, durationSeconds: p.durationSeconds } }] }],
    checks: [...entryChecks(p), available("Deployment", p.namespace, p.deployment, p.replicas)],
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: { verdict: "PASSED", why: "the home page calls recommendation as an optional call: without it the page answers without its recommendations, as fast as before." },
});

const reducedCapacity = defineTemplate({
  id: "reduced-capacity",
  title: "A service at reduced capacity",
  fault: "scale down",
  summary: "Run a service with fewer replicas for a while: is there headroom for a lost replica at today's load?",
  teaches:
    "Redundancy only helps when the replicas left can carry the load. A service sized for exactly its traffic slows down and then sheds requests as soon as one replica is gone. This holds a service below its usual count and watches the page that depends on it.",
  params: z.object({
    namespace: namespace("Namespace of the workload", "shop"),
    deployment: objectName("Deployment", "frontend"),
    replicas: wholeNumber("Replicas to run with", 0, 1000, 1),
    restoredReplicas: wholeNumber("Replicas it should have again", 1, 1000, 3),
    durationSeconds: wholeNumber("Keep it reduced for (seconds)", 1, 3600, 30),
    ...entryShape,
    maxLatencyMs: entryShape.maxLatencyMs.default(300),
    ...timingShape,
  }),
  name: (p) => `${p.deployment} at ${p.replicas} replicas`,
  build: (p) => ({
    description: `Scale ${p.deployment} to ${p.replicas} for ${p.durationSeconds} s; ${p.entryService}${p.entryPath} must stay under ${p.maxLatencyMs} ms.`,
    stages: [{ name: `${p.deployment} reduced`, faults: [{ name: `scale ${p.deployment} to ${p.replicas}`, actionId: "deployment-scale", params: { namespace: p.namespace, name: p.deployment, replicas: p.replicas, durationSeconds: p.durationSeconds } }] }],
    checks: [...entryChecks(p), available("Deployment", p.namespace, p.deployment, p.restoredReplicas)],
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: { verdict: "FAILED", why: "the frontend needs two of its three replicas for its load: at one it sheds a third of its requests, and the stop condition trips." },
});

const nodeCordoned = defineTemplate({
  id: "node-cordoned",
  title: "Nodes cordoned while pods restart",
  fault: "cordon and pod kill",
  summary: "Cordon a pool's nodes, then kill pods: their replacements must find room elsewhere.",
  teaches:
    "A cordoned node keeps its pods but takes no new ones, as during an upgrade or when a node is suspected bad. Pods that restart meanwhile need room on the other nodes: node selectors, affinities and requests decide whether they find it. The cordon is lifted at the end.",
  params: z.object({
    nodeSelector: labelSelector("Nodes to cordon (label selector)", "pystol.io/pool=general"),
    maxNodes: wholeNumber("Most nodes to cordon", 1, 1000, 4),
    cordonSeconds: wholeNumber("Keep them cordoned for (seconds)", 1, 3600, 30),
    namespace: namespace("Namespace of the workload", "shop"),
    deployment: objectName("Deployment whose pods restart", "frontend"),
    labelSelector: labelSelector("Its pods' label selector", "app=frontend"),
    replicas: wholeNumber("Replicas it should have again", 1, 1000, 3),
    rounds: wholeNumber("Pod kills", 1, 100, 2),
    secondsBetweenRounds: wholeNumber("Seconds between pod kills", 0, 3600, 5),
    ...entryShape,
    ...timingShape,
  }),
  name: (p) => `${p.deployment} restarts on cordoned nodes`,
  build: (p) => ({
    description: `Cordon up to ${p.maxNodes} nodes (${p.nodeSelector}) for ${p.cordonSeconds} s and kill a ${p.deployment} pod ${p.rounds} times meanwhile; the replacements must be scheduled elsewhere.`,
    stages: [
      {
        name: "cordon and restart",
        faults: [
          { name: "cordon the nodes", actionId: "node-cordon", params: { labelSelector: p.nodeSelector, maxNodes: p.maxNodes, durationSeconds: p.cordonSeconds } },
          // The first kill comes a moment after the cordon (both start together): later rounds are the test.
          { name: `kill ${p.deployment} pods`, actionId: "pod-kill", params: { namespace: p.namespace, labelSelector: p.labelSelector, count: 1, repeat: p.rounds, intervalSeconds: p.secondsBetweenRounds } },
        ],
      },
    ],
    checks: [...entryChecks(p), available("Deployment", p.namespace, p.deployment, p.replicas)],
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: { verdict: "PASSED", why: "the frontend has no node selector: with the general pool cordoned its replacements start on the data nodes, and checkout stays fast." },
});

/** One node drained: the template "A node drained", and "A drain paced by budgets" with other words and defaults. */
function drainOne(t: { id: string; title: string; summary: string; teaches: string; node: string; demo: ExperimentTemplate["demo"] }) {
  return defineTemplate({
    id: t.id,
    title: t.title,
    fault: "node drain",
    summary: t.summary,
    teaches: t.teaches,
    params: z.object({
      nodeName: objectName("Node to drain", t.node),
      evictionTimeoutSeconds: wholeNumber("Give up evicting after (seconds)", 1, 3600, 60),
      durationSeconds: wholeNumber("Uncordon after (seconds)", 1, 3600, 30),
      podNamespace: namespace("Namespace whose pods must be Ready again", "shop"),
      podSelector: labelSelector("Those pods' label selector", "app.kubernetes.io/part-of=shop"),
      ...entryShape,
      ...timingShape,
    }),
    name: (p) => `drain ${p.nodeName}`,
    build: (p) => ({
      description: `Drain ${p.nodeName} (uncordoned after ${p.durationSeconds} s) while ${p.entryService}${p.entryPath} is watched; every pod of ${p.podNamespace} must be Ready again.`,
      stages: [{ name: `drain ${p.nodeName}`, faults: [{ name: `drain ${p.nodeName}`, actionId: "node-drain", params: { nodeName: p.nodeName, evictionTimeoutSeconds: p.evictionTimeoutSeconds, durationSeconds: p.durationSeconds } }] }],
      checks: [...entryChecks(p), podsReady(p.podNamespace, p.podSelector)],
      recoveryWindowSeconds: p.recoveryWindowSeconds,
      maxDurationSeconds: p.maxDurationSeconds,
    }),
    demo: t.demo,
  });
}

const nodeLost = drainOne({
  id: "node-lost",
  title: "A node drained",
  summary: "Drain one node as an upgrade or a scale-in would; its pods move elsewhere within their disruption budgets.",
  teaches:
    "Nodes go away routinely: upgrades, scale-in, spot reclaims. A drain evicts every pod through the eviction API, which honours PodDisruptionBudgets. It shows two things: whether the services on the node survive their pods moving, and whether a budget blocks the drain (a budget that allows no disruption holds it until its timeout, and the experiment ends in error naming the pod).",
  node: "general-c-1",
  demo: {
    verdict: "ERROR",
    why: "general-c-1 runs a checkout pod, and checkout's budget (minAvailable 2 of its 2 replicas) allows no eviction: the drain is held until its timeout, and the experiment ends in error naming the pod. Lower the budget or add a replica, and it passes.",
  },
});

const drainUnderBudgets = drainOne({
  id: "drain-under-budgets",
  title: "A drain paced by disruption budgets",
  summary: "Drain a node that holds several replicas of one service: a budget makes the drain move them one at a time.",
  teaches:
    "When the scheduler puts every replica of a service on one node, draining that node would take the service down at once. A PodDisruptionBudget that allows one disruption makes the eviction API move them one by one, each after the previous replacement is Ready. This drains such a node and watches the page that needs the service.",
  node: "data-b-1",
  demo: {
    verdict: "PASSED",
    why: "data-b-1 runs both payment replicas (and a frontend, catalog and catalog-db pod): payment's budget (maxUnavailable 1) lets them go one at a time, so checkout keeps a payment replica throughout.",
  },
});

const rollingDrain = defineTemplate({
  id: "rolling-node-drain",
  title: "A rolling node drain",
  fault: "node drain, one node at a time",
  summary: "Drain nodes one after another, as a cluster upgrade does.",
  teaches:
    "An upgrade drains every node in turn. Each drain moves pods, and the next one starts while they settle. Services must survive every move, and no disruption budget may block a drain; otherwise the upgrade stalls on the first node holding a pod whose budget allows no disruption.",
  params: z.object({
    nodes: nodeNames("Nodes, in order", "general-a-2, data-b-1"),
    evictionTimeoutSeconds: wholeNumber("Give up evicting after (seconds)", 1, 3600, 30),
    durationSeconds: wholeNumber("Uncordon each after (seconds)", 1, 3600, 20),
    podNamespace: namespace("Namespace whose pods must be Ready again", "shop"),
    podSelector: labelSelector("Those pods' label selector", "app.kubernetes.io/part-of=shop"),
    ...entryShape,
    ...timingShape,
  }),
  name: (p) => `rolling drain of ${p.nodes.length} nodes`,
  build: (p) => ({
    description: `Drain ${p.nodes.join(", ")} one at a time, each uncordoned after ${p.durationSeconds} s, while ${p.entryService}${p.entryPath} is watched.`,
    stages: p.nodes.map((n) => ({ name: `drain ${n}`, faults: [{ name: `drain ${n}`, actionId: "node-drain", params: { nodeName: n, evictionTimeoutSeconds: p.evictionTimeoutSeconds, durationSeconds: p.durationSeconds } }] })),
    checks: [...entryChecks(p), podsReady(p.podNamespace, p.podSelector)],
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: {
    verdict: "PASSED",
    why: "general-a-2 holds one cart replica (the other keeps serving), email and grafana; data-b-1 holds both payment replicas, whose budget lets them move one at a time, and one of three frontend replicas. Checkout keeps answering throughout. (Add general-a-1, where shipping runs its only replica, and checkout fails while it moves.)",
  },
});

const zoneLost = defineTemplate({
  id: "zone-lost",
  title: "A zone lost",
  fault: "node drain of a zone",
  summary: "Drain every node of one zone at once: do the other zones carry the service?",
  teaches:
    "Clouds lose zones. A service spread over several zones with room to spare in each survives; one whose replicas all sit in the lost zone, or whose other zones lack room for them, does not. This drains a whole zone at once and keeps it cordoned for a while.",
  params: z.object({
    zoneLabel: z
      .string()
      .regex(/^[A-Za-z0-9./_-]{1,253}$/, { error: "The zone label is a label key such as topology.kubernetes.io/zone." })
      .describe("Zone label")
      .default("topology.kubernetes.io/zone"),
    zone: z
      .string()
      .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/, { error: "The zone is a label value such as zone-a." })
      .describe("Zone to lose")
      .default("zone-a"),
    maxNodes: wholeNumber("Most nodes to drain", 1, 100, 10),
    evictionTimeoutSeconds: wholeNumber("Give up evicting after (seconds)", 1, 3600, 60),
    durationSeconds: wholeNumber("Uncordon after (seconds)", 1, 3600, 60),
    ...entryShape,
    ...timingShape,
  }),
  name: (p) => `lose ${p.zone}`,
  build: (p) => ({
    description: `Drain every node of ${p.zone} (${p.zoneLabel}), uncordoned after ${p.durationSeconds} s, while ${p.entryService}${p.entryPath} is watched.`,
    stages: [{ name: `lose ${p.zone}`, faults: [{ name: `drain ${p.zone}'s nodes`, actionId: "node-drain", params: { labelSelector: `${p.zoneLabel}=${p.zone}`, maxNodes: p.maxNodes, evictionTimeoutSeconds: p.evictionTimeoutSeconds, durationSeconds: p.durationSeconds } }] }],
    checks: entryChecks(p),
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    maxDurationSeconds: p.maxDurationSeconds,
  }),
  demo: { verdict: "FAILED", why: "both cart replicas run in zone-a and cart has no disruption budget: the drain evicts them at once, checkout fails until they start in another zone, and the stop condition trips." },
});

/** Every template, in the order the library lists them. */
export const TEMPLATES: readonly ExperimentTemplate[] = [
  replicaLost,
  podKillRounds,
  databaseReplicaLost,
  dependencyToZero,
  optionalDependencyToZero,
  reducedCapacity,
  nodeCordoned,
  nodeLost,
  drainUnderBudgets,
  rollingDrain,
  zoneLost,
];
