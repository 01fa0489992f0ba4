import { afterEach, describe, expect, it } from "vitest";
import { ClusterManager } from "../manager";
import { createObject, deleteObject } from "../objects";
import { JOB, NODE, POD, REPLICASET, STATEFULSET } from "../resources";
import { makeNode } from "../seed/nodes";
import type { VirtualCluster } from "../cluster";
import type { KObject } from "../types";

const fast = { podStartDelayMs: 10, podStopDelayMs: 10, jobRunMs: 50, restartBackoffMs: 50 };
let manager: ClusterManager;
afterEach(() => manager?.close());

function cluster(): VirtualCluster {
  manager = new ClusterManager(fast);
  const c = manager.create({ seed: "empty" });
  c.store.put(NODE, makeNode(c, { name: "small", pool: "a", zone: "z1", cpu: "1", memory: "1Gi" }));
  c.store.put(NODE, makeNode(c, { name: "gpu", pool: "gpu", zone: "z2", cpu: "8", memory: "32Gi", taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }] }));
  return c;
}

const until = async (fn: () => boolean) => {
  for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(fn()).toBe(true);
};

const pod = (name: string, spec: Record<string, unknown> = {}, cpu = "100m"): KObject => ({
  metadata: { name },
  spec: { containers: [{ name: "c", image: "busybox", resources: { requests: { cpu } } }], ...spec },
});
const get = (c: VirtualCluster, name: string) => c.store.get(POD, "default", name)!;
const phase = (c: VirtualCluster, name: string) => (get(c, name).status as { phase: string }).phase;

describe("scheduler", () => {
  it("honours taints, tolerations, nodeSelector, resources and cordons", async () => {
    const c = cluster();
    createObject(c, POD, "default", pod("plain"));
    createObject(c, POD, "default", pod("tolerant", { tolerations: [{ key: "gpu", operator: "Equal", value: "yes", effect: "NoSchedule" }], nodeSelector: { "pystol.io/pool": "gpu" } }));
    createObject(c, POD, "default", pod("too-big", {}, "2"));
    await until(() => phase(c, "plain") === "Running" && phase(c, "tolerant") === "Running");
    expect((get(c, "plain").spec as { nodeName: string }).nodeName).toBe("small");
    expect((get(c, "tolerant").spec as { nodeName: string }).nodeName).toBe("gpu");
    const cond = ((get(c, "too-big").status as { conditions: { reason: string; message: string }[] }).conditions)[0]!;
    expect(cond.reason).toBe("Unschedulable");
    expect(cond.message).toMatch(/Insufficient cpu/);
    const n = structuredClone(c.store.get(NODE, "", "small")!);
    (n.spec as Record<string, unknown>).unschedulable = true;
    c.store.put(NODE, n);
    createObject(c, POD, "default", pod("after-cordon"));
    c.settle();
    expect((get(c, "after-cordon").spec as { nodeName?: string }).nodeName).toBeUndefined();
  });
});

describe("workload controllers", () => {
  it("creates StatefulSet pods in order", async () => {
    const c = cluster();
    createObject(c, STATEFULSET, "default", {
      metadata: { name: "db" },
      spec: { replicas: 3, selector: { matchLabels: { app: "db" } }, template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "postgres" }] } } },
    });
    c.settle();
    expect([...c.store.each(POD)].map((p) => p.metadata.name)).toEqual(["db-0"]);
    await until(() => ["db-0", "db-1", "db-2"].every((n) => c.store.get(POD, "default", n) && phase(c, n) === "Running"));
  });

  it("runs a Job to completion and fails one past its backoff limit", async () => {
    const c = cluster();
    const job = (name: string, cmd: string, extra: Record<string, unknown> = {}) =>
      createObject(c, JOB, "default", { metadata: { name }, spec: { ...extra, template: { spec: { restartPolicy: "Never", containers: [{ name: "j", image: "busybox", command: ["sh", "-c", cmd] }] } } } });
    job("ok", "echo done", { completions: 2 });
    job("bad", "exit 2", { backoffLimit: 1 });
    const conds = (n: string) => ((c.store.get(JOB, "default", n)!.status as { conditions?: { type: string }[] }).conditions ?? []).map((x) => x.type);
    await until(() => conds("ok").includes("Complete") && conds("bad").includes("Failed"));
    expect((c.store.get(JOB, "default", "ok")!.status as { succeeded: number }).succeeded).toBe(2);
    expect((c.store.get(JOB, "default", "bad")!.status as { failed: number }).failed).toBe(2);
  });

  it("restarts a crashing container of a restartPolicy=Always pod", async () => {
    const c = cluster();
    createObject(c, POD, "default", { metadata: { name: "crash" }, spec: { containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "exit 1"] }] } });
    const restarts = () => ((get(c, "crash").status as { containerStatuses?: { restartCount: number }[] }).containerStatuses?.[0]?.restartCount ?? 0);
    await until(() => restarts() >= 1);
    expect(phase(c, "crash")).toBe("Running");
  });

  it("deletes dependents in cascade", async () => {
    const c = cluster();
    const rs = createObject(c, REPLICASET, "default", {
      metadata: { name: "rs" },
      spec: { replicas: 2, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "x" }] } } },
    });
    c.settle();
    expect(c.store.count(POD)).toBe(2);
    deleteObject(c, REPLICASET, "default", rs.metadata.name!, { propagationPolicy: "Background" });
    await until(() => c.store.count(POD) === 0);
  });
});
