import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunRefusedError, targetKey } from "@/lib/actions";
import { db } from "@/lib/db";
import { abortRun, haltTeamRuns, planRun, startRun, subscribeRunEvents, type RunEvent } from "./index";
import { cordonedNodes, createTestCluster, eventually, startRunStack, waitForRun, type RunStack, type TestCluster } from "./testing/harness";

// Every action end to end: startRun as the web app calls it, the runs queue in Redis, a run
// worker, PostgreSQL, and the sandbox cluster with the demo shop. No mocks.
process.env.RUN_HEARTBEAT_MS = "200";
process.env.RUN_STALE_MS = "2000";
process.env.RUN_SWEEP_MS = "500";

let stack: RunStack;
let c: TestCluster;

beforeAll(async () => {
  stack = await startRunStack("test");
  c = stack.cluster;
});
afterAll(() => stack.close());

const start = (actionId: string, params: unknown, extra: { confirm?: string; cluster?: TestCluster } = {}) =>
  startRun({ teamId: (extra.cluster ?? c).teamId, clusterId: (extra.cluster ?? c).clusterId, actionId, params, confirm: extra.confirm });

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RunRefusedError);
  return (err as RunRefusedError).code;
}

const runningPods = async (ns: string, sel: string) =>
  (await c.core.listNamespacedPod({ namespace: ns, labelSelector: sel })).items.filter((p) => p.status?.phase === "Running" && !p.metadata?.deletionTimestamp);

describe("pod kill", () => {
  it("deletes the planned pod and the deployment heals", async () => {
    const { run, plan } = await start("pod-kill", { namespace: "shop", labelSelector: "app=cart", count: 1 });
    expect(plan.targets).toHaveLength(1);
    const events: RunEvent[] = [];
    const unsubscribe = await subscribeRunEvents(run.id, (e) => events.push(e));
    const done = await waitForRun(run.id);
    await unsubscribe();
    expect(done.state).toBe("SUCCEEDED");
    expect(done.result).toMatchObject({ killed: 1 });
    const names = (await runningPods("shop", "app=cart")).map((p) => p.metadata!.name);
    expect(names).not.toContain(plan.targets[0]!.name);
    await eventually("cart back at 2 running pods", async () => (await runningPods("shop", "app=cart")).length === 2);
    const steps = await db.runStep.findMany({ where: { runId: run.id } });
    expect(steps.map((s) => s.state)).toEqual(["SUCCEEDED"]);
  });

  it("refuses an empty selection and records nothing", async () => {
    const before = await db.run.count({ where: { teamId: c.teamId } });
    expect(await refusal(start("pod-kill", { namespace: "shop", labelSelector: "app=nothing-here" }))).toBe("empty-selection");
    expect(await refusal(start("pod-kill", { namespace: "shop", labelSelector: "" }))).toBe("invalid-params");
    expect(await db.run.count({ where: { teamId: c.teamId } })).toBe(before);
  });

  it("a ping test or a job starts from its dry run: the objects it creates are named by the plan, the same at the start", async () => {
    const seeds = ["confirmed-plan-seed-1", "confirmed-plan-seed-2"];
    for (const [actionId, params] of [
      ["ping-test", { labelSelector: "pystol.io/pool=general", rounds: 1 }],
      ["job", { image: "busybox:1.36", command: ["sh", "-c", "echo hi"] }],
    ] as const) {
      const base = { teamId: c.teamId, clusterId: c.clusterId, actionId, params };
      const [a, b] = await Promise.all(seeds.map(async (planSeed) => (await planRun({ ...base, planSeed })).plan.targets.map(targetKey)));
      // Another plan names other objects; the confirmed one is started with what it showed.
      expect(a).not.toEqual(b);
      const { run, plan } = await startRun({ ...base, planSeed: seeds[0], expectedTargets: a });
      expect(plan.targets.map(targetKey)).toEqual(a);
      expect((await waitForRun(run.id)).state).toBe("SUCCEEDED");
    }
  });

  it("hits exactly the pods its dry run showed, and refuses once the cluster has changed", async () => {
    const own = await createTestCluster(stack.sandbox);
    const base = { teamId: own.teamId, clusterId: own.clusterId, actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=frontend", count: 1 } };
    const planSeed = "dry-run-seed-1";
    const keys = (await planRun({ ...base, planSeed })).plan.targets.map(targetKey);
    expect(keys).toHaveLength(1);
    // One pod of several: the same seed chooses the same one every time.
    expect((await runningPods("shop", "app=frontend")).length).toBeGreaterThan(2);
    for (let i = 0; i < 5; i++) expect((await planRun({ ...base, planSeed })).plan.targets.map(targetKey)).toEqual(keys);

    const before = await db.run.count({ where: { teamId: own.teamId } });
    expect(await refusal(startRun({ ...base, planSeed, expectedTargets: ["Pod/shop/frontend-gone-since"] }))).toBe("plan-changed");
    expect(await db.run.count({ where: { teamId: own.teamId } })).toBe(before);

    const { run, plan } = await startRun({ ...base, planSeed, expectedTargets: keys });
    expect(plan.targets.map(targetKey)).toEqual(keys);
    expect((await waitForRun(run.id)).state).toBe("SUCCEEDED");
  });

  it("refuses a protected namespace, the blast radius and a missing confirmation", async () => {
    expect(await refusal(start("pod-kill", { namespace: "kube-system", labelSelector: "app=coredns" }))).toBe("protected-namespace");
    const small = await createTestCluster(stack.sandbox, { blastRadiusLimit: 2, confirmThreshold: 1 });
    expect(await refusal(start("pod-kill", { namespace: "shop", labelSelector: "app=frontend", percentage: 100 }, { cluster: small }))).toBe("blast-radius");
    expect(await refusal(start("pod-kill", { namespace: "shop", labelSelector: "app=frontend", count: 2 }, { cluster: small }))).toBe("confirmation-required");
    const { run } = await start("pod-kill", { namespace: "shop", labelSelector: "app=frontend", count: 2 }, { cluster: small, confirm: "pod-kill" });
    expect((await waitForRun(run.id)).state).toBe("SUCCEEDED");
  });

  it("refuses when the cluster's credentials may not delete pods", async () => {
    const limited = await createTestCluster(stack.sandbox);
    await db.cluster.update({ where: { id: limited.clusterId }, data: { permissions: { "list pods": true, "delete pods": false } } });
    expect(await refusal(start("pod-kill", { namespace: "shop", labelSelector: "app=cart" }, { cluster: limited }))).toBe("missing-permissions");
  });

  it("refuses an unreachable cluster cleanly", async () => {
    const gone = await createTestCluster(stack.sandbox);
    await stack.sandbox.admin.deleteCluster(gone.sandboxId);
    expect(await refusal(start("pod-kill", { namespace: "shop", labelSelector: "app=cart" }, { cluster: gone }))).toBe("cluster-unreachable");
  });
});

describe("nodes", () => {
  it("cordons for a duration, then uncordons", async () => {
    const { run } = await start("node-cordon", { nodeName: "general-a-1", durationSeconds: 1 });
    const done = await waitForRun(run.id);
    expect(done.state).toBe("SUCCEEDED");
    expect(await cordonedNodes(c)).toEqual([]);
    const [step] = await db.runStep.findMany({ where: { runId: run.id } });
    expect(step).toMatchObject({ state: "SUCCEEDED", undo: { kind: "uncordon", node: "general-a-1" } });
    expect(step!.undoneAt).not.toBeNull();
  });

  it("drains a node and uncordons it after the duration", async () => {
    // A node whose pods no PodDisruptionBudget protects (checkout's budget blocks every eviction).
    const guarded = ["checkout", "frontend", "payment"];
    const node = await eventually("a freely drainable node", async () => {
      for (const n of ["general-a-1", "general-a-2", "general-b-1", "general-c-1"]) {
        const pods = (await c.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${n}` })).items;
        if (!pods.some((p) => guarded.includes(p.metadata?.labels?.app ?? ""))) return n;
      }
      return undefined;
    });
    const { run, plan } = await start("node-drain", { nodeName: node, durationSeconds: 1, evictionTimeoutSeconds: 5 });
    const done = await waitForRun(run.id);
    expect(done.state).toBe("SUCCEEDED");
    expect(done.result).toMatchObject({ drained: [node], evicted: plan.targets.length - 1 });
    expect(await cordonedNodes(c)).toEqual([]);
  });

  it("reports a drain blocked by a PodDisruptionBudget and still uncordons", async () => {
    const pod = (await runningPods("shop", "app=cart"))[0]!;
    const node = pod.spec!.nodeName!;
    await c.policy.createNamespacedPodDisruptionBudget({
      namespace: "shop",
      body: { metadata: { name: "cart-all" }, spec: { minAvailable: 2, selector: { matchLabels: { app: "cart" } } } },
    });
    try {
      const { run } = await start("node-drain", { nodeName: node, evictionTimeoutSeconds: 1, durationSeconds: 600 });
      const done = await waitForRun(run.id);
      expect(done.state).toBe("ROLLED_BACK");
      expect(done.error).toMatch(/PodDisruptionBudget/);
      expect(await cordonedNodes(c)).toEqual([]);
    } finally {
      await c.policy.deleteNamespacedPodDisruptionBudget({ name: "cart-all", namespace: "shop" });
    }
  });
});

describe("ping test", () => {
  it("measures a matrix between nodes and to a host, then removes the probes", async () => {
    const { run } = await start("ping-test", { labelSelector: "pystol.io/pool=general", rounds: 2, hosts: ["cart.shop"] });
    const done = await waitForRun(run.id);
    expect(done.state).toBe("SUCCEEDED");
    const matrix = (done.result as { matrix: { rows: string[]; columns: string[]; cells: Record<string, Record<string, { reachable: boolean } | null>> } }).matrix;
    expect(matrix.rows).toHaveLength(4);
    expect(matrix.columns).toContain("cart.shop");
    expect(matrix.cells[matrix.rows[0]!]![matrix.rows[1]!]).toMatchObject({ reachable: true });
    await eventually("probe pods removed", async () => (await c.core.listNamespacedPod({ namespace: "default", labelSelector: "pystol.io/role=probe" })).items.length === 0);
  });
});

describe("deployment scale-down", () => {
  it("scales to zero for a duration, then restores the count", async () => {
    const { run } = await start("deployment-scale", { namespace: "shop", name: "recommendation", replicas: 0, durationSeconds: 1 });
    expect((await waitForRun(run.id)).state).toBe("SUCCEEDED");
    const d = await c.apps.readNamespacedDeployment({ name: "recommendation", namespace: "shop" });
    expect(d.spec?.replicas).toBe(2);
  });
});

describe("job", () => {
  it("runs an image, captures log and exit code 0, and removes the job", async () => {
    const { run } = await start("job", { image: "busybox:1.36", command: ["sh", "-c", "echo hello from the job; exit 0"], timeoutSeconds: 30 });
    const done = await waitForRun(run.id);
    expect(done.state).toBe("SUCCEEDED");
    expect(done.result).toMatchObject({ exitCode: 0, log: expect.stringContaining("hello from the job") });
  });

  it("fails on a non-zero exit code and keeps the log", async () => {
    const { run } = await start("job", { image: "busybox:1.36", command: ["sh", "-c", "echo broken; exit 3"], timeoutSeconds: 30 });
    const done = await waitForRun(run.id);
    expect(done.state).toBe("FAILED");
    expect(done.result).toMatchObject({ exitCode: 3, log: expect.stringContaining("broken") });
    const jobs = await eventually("job removed", async () => {
      const left = await db.runStep.findFirst({ where: { runId: run.id, index: 0 } });
      return left?.undoneAt ? left : undefined;
    });
    expect(jobs.state).toBe("ROLLED_BACK");
  });
});

describe("abort and halt-all", () => {
  it("aborts one run and rolls back its cordon", async () => {
    const { run } = await start("node-cordon", { nodeName: "data-a-1", durationSeconds: 600 });
    await waitForRun(run.id, ["RUNNING"]);
    await eventually("cordon recorded", async () => (await db.run.findUniqueOrThrow({ where: { id: run.id } })).result !== null);
    await abortRun(c.teamId, run.id);
    expect((await waitForRun(run.id)).state).toBe("ROLLED_BACK");
    expect(await cordonedNodes(c)).toEqual([]);
  });

  it("halts every run of a team", async () => {
    const a = await start("deployment-scale", { namespace: "shop", name: "catalog", replicas: 0, durationSeconds: 600 });
    const b = await start("node-cordon", { nodeName: "data-b-1", durationSeconds: 600 });
    await eventually("both executed", async () => (await db.run.count({ where: { id: { in: [a.run.id, b.run.id] }, NOT: { result: { equals: null as never } } } })) === 2 || undefined);
    await haltTeamRuns(c.teamId);
    expect((await waitForRun(a.run.id)).state).toBe("ROLLED_BACK");
    expect((await waitForRun(b.run.id)).state).toBe("ROLLED_BACK");
    expect(await cordonedNodes(c)).toEqual([]);
    expect((await c.apps.readNamespacedDeployment({ name: "catalog", namespace: "shop" })).spec?.replicas).toBe(2);
  });
});
