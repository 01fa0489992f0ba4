import { randomUUID } from "node:crypto";
import type { ClusterContext } from "../context";
import { applyDefaults, defaultPodSpec } from "../defaults";
import { nowIso, randomSuffix, shortHash } from "../names";
import { DEPLOYMENT, NAMESPACE, NODE, POD, REPLICASET } from "../resources";
import type { KObject } from "../types";
import { makeNamespace } from "./base";
import { makeNode } from "./nodes";

export interface LargeShape {
  nodes: number;
  pods: number;
  /** Pods per deployment (default 10). */
  replicas?: number;
  namespaces?: number;
}

const ZONES = ["zone-a", "zone-b", "zone-c"];
const POOLS = ["general", "compute", "memory", "batch"];

/**
 * A large cluster built directly in its settled state (nodes Ready, pods Running), without
 * going through the controllers; pods of one deployment share their immutable spec parts.
 */
export function seedLarge(c: ClusterContext, shape: LargeShape) {
  const at = nowIso();
  const nodeNames: string[] = [];
  for (let i = 0; i < shape.nodes; i++) {
    const name = `node-${String(i).padStart(5, "0")}`;
    nodeNames.push(name);
    c.store.put(NODE, makeNode(c, { name, pool: POOLS[i % POOLS.length]!, zone: ZONES[i % ZONES.length]!, cpu: "32", memory: "128Gi", pods: 250 }, at), { silent: true });
  }
  const nsCount = shape.namespaces ?? Math.max(1, Math.min(50, Math.ceil(shape.pods / 5000)));
  const nss = Array.from({ length: nsCount }, (_, i) => `load-${String(i).padStart(2, "0")}`);
  for (const ns of nss) c.store.put(NAMESPACE, makeNamespace(ns), { silent: true });
  const per = Math.max(1, shape.replicas ?? 10);
  const deployments = Math.ceil(shape.pods / per);
  let podIndex = 0;
  for (let d = 0; d < deployments; d++) {
    const ns = nss[d % nss.length]!;
    const name = `app-${String(d).padStart(5, "0")}`;
    const replicas = Math.min(per, shape.pods - d * per);
    const labels = { app: name, tier: d % 3 === 0 ? "frontend" : d % 3 === 1 ? "backend" : "worker" };
    const dep: KObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: ns, labels, uid: randomUUID(), generation: 1, creationTimestamp: at },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "main",
                image: `registry.example.com/load/${labels.tier}:2.${d % 17}.0`,
                ports: [{ containerPort: 8080, name: "http" }],
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                env: [{ name: "APP", value: name }],
              },
            ],
          },
        },
      },
    };
    applyDefaults("deployments", "apps", dep);
    const template = (dep.spec as { template: { metadata: Record<string, unknown>; spec: Record<string, unknown> } }).template;
    const hash = shortHash(JSON.stringify(template));
    const rsName = `${name}-${hash}`;
    const rsUid = randomUUID();
    const podLabels = { ...labels, "pod-template-hash": hash };
    const status = { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
    dep.metadata.annotations = { "deployment.kubernetes.io/revision": "1" };
    dep.status = {
      ...status,
      conditions: [
        { type: "Available", status: "True", lastUpdateTime: at, lastTransitionTime: at, reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." },
        { type: "Progressing", status: "True", lastUpdateTime: at, lastTransitionTime: at, reason: "NewReplicaSetAvailable", message: `ReplicaSet "${rsName}" has successfully progressed.` },
      ],
    };
    c.store.put(DEPLOYMENT, dep, { silent: true });
    const rsTemplate = { metadata: { labels: podLabels }, spec: template.spec };
    c.store.put(
      REPLICASET,
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name: rsName,
          namespace: ns,
          uid: rsUid,
          generation: 1,
          creationTimestamp: at,
          labels: podLabels,
          annotations: { "deployment.kubernetes.io/revision": "1", "deployment.kubernetes.io/desired-replicas": String(replicas) },
          ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name, uid: dep.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        spec: { replicas, selector: { matchLabels: { app: name, "pod-template-hash": hash } }, template: rsTemplate },
        status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
      },
      { silent: true },
    );
    const owner = [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rsName, uid: rsUid, controller: true, blockOwnerDeletion: true }];
    const conditions = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: at }));
    const image = (template.spec.containers as { image: string }[])[0]!.image;
    // What a pod gets beyond its template (SetDefaults_Pod, admission), once for all its replicas.
    const podSpec = { ...template.spec };
    defaultPodSpec(podSpec);
    for (let r = 0; r < replicas; r++) {
      const node = nodeNames[podIndex++ % nodeNames.length]!;
      const ip = c.podIp(node);
      c.store.put(
        POD,
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: `${rsName}-${randomSuffix()}`, generateName: `${rsName}-`, namespace: ns, creationTimestamp: at, labels: podLabels, ownerReferences: owner },
          spec: { ...podSpec, nodeName: node },
          status: {
            phase: "Running",
            conditions,
            hostIP: c.nodeIp(node),
            podIP: ip,
            podIPs: [{ ip }],
            startTime: at,
            qosClass: "Burstable",
            containerStatuses: [
              { name: "main", state: { running: { startedAt: at } }, lastState: {}, ready: true, restartCount: 0, image, imageID: `${image}@sha256:${hash}`, containerID: `containerd://${randomUUID().replace(/-/g, "")}`, started: true },
            ],
          },
        },
        { silent: true },
      );
    }
  }
  // Serialise once now, so that the first LIST is as fast as the next ones.
  for (const e of c.store.sorted(POD)) e.json();
}
