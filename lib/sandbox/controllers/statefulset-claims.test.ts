import { afterEach, expect, it } from "vitest";
import { ClusterManager } from "../manager";
import { createObject, deleteObject } from "../objects";
import { NODE, POD, STATEFULSET, findResource } from "../resources";
import { makeNode } from "../seed/nodes";

// A StatefulSet's volumeClaimTemplates: one claim per pod and template, named and labelled as
// upstream's controller does, mounted by the pod, and kept when the pod and the set go.

const PVC = findResource("", "v1", "persistentvolumeclaims")!;
let manager: ClusterManager;
afterEach(() => manager?.close());

it("gives each pod its own claims and keeps them after the pods go", async () => {
  manager = new ClusterManager({ podStartDelayMs: 10, podStopDelayMs: 10, jobRunMs: 50, restartBackoffMs: 50 });
  const c = manager.create({ seed: "empty" });
  c.store.put(NODE, makeNode(c, { name: "n1", pool: "a", zone: "z1", cpu: "8", memory: "32Gi" }));
  createObject(c, STATEFULSET, "default", {
    metadata: { name: "shard" },
    spec: {
      replicas: 2,
      podManagementPolicy: "Parallel",
      serviceName: "shard",
      selector: { matchLabels: { app: "shard" } },
      template: {
        metadata: { labels: { app: "shard" } },
        spec: { containers: [{ name: "s", image: "pystol", volumeMounts: [{ name: "data", mountPath: "/data" }] }], volumes: [{ name: "data", emptyDir: {} }] },
      },
      volumeClaimTemplates: [{ metadata: { name: "data", labels: { tier: "snapshots" } }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } } }],
    },
  });
  for (let i = 0; i < 200 && !c.store.get(POD, "default", "shard-1"); i++) await new Promise((r) => setTimeout(r, 10));

  for (const i of [0, 1]) {
    const claim = c.store.get(PVC, "default", `data-shard-${i}`);
    expect(claim?.metadata.labels).toEqual({ tier: "snapshots", app: "shard" });
    expect((claim?.spec as { resources: unknown }).resources).toEqual({ requests: { storage: "2Gi" } });
    expect(claim?.metadata.ownerReferences).toBeUndefined();
    // The claim replaces the template's volume of the same name.
    const volumes = (c.store.get(POD, "default", `shard-${i}`)?.spec as { volumes: { name: string }[] }).volumes;
    expect(volumes.filter((v) => v.name === "data")).toEqual([{ name: "data", persistentVolumeClaim: { claimName: `data-shard-${i}` } }]);
  }

  deleteObject(c, STATEFULSET, "default", "shard");
  for (let i = 0; i < 200 && c.store.get(POD, "default", "shard-0"); i++) await new Promise((r) => setTimeout(r, 10));
  expect(c.store.get(POD, "default", "shard-0")).toBeUndefined();
  // Retained, as upstream's default persistentVolumeClaimRetentionPolicy (Retain) keeps them.
  expect(c.store.get(PVC, "default", "data-shard-0")).toBeDefined();
});
