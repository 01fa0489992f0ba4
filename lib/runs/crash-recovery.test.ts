import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, killHard, startRedis, startWorkerProcess } from "./testing/processes";

// Crash recovery with real processes: worker children started with tsx, SIGKILLed mid-drain;
// a Redis server of this test's own, killed and started again mid-run. The shared Redis on
// 6379 is never touched: everything here, this process included, uses the private one.
const timing = { RUN_HEARTBEAT_MS: "200", RUN_STALE_MS: "2000", RUN_SWEEP_MS: "500" };
Object.assign(process.env, timing);
const redisPort = await freePort();
let redis = await startRedis(redisPort);
process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;

// Imported after REDIS_URL is set: the environment is read once, at first use.
const { db } = await import("@/lib/db");
const { closeProducerConnection } = await import("@/lib/queue");
const { startRun, closeRunQueue } = await import("./index");
const h = await import("./testing/harness");

let sb: Awaited<ReturnType<typeof h.startTestSandbox>>;
const children: ChildProcess[] = [];
const worker = async () => {
  const child = await startWorkerProcess({ ...timing, SANDBOX_ADMIN_URL: process.env.SANDBOX_ADMIN_URL!, SANDBOX_ADMIN_TOKEN: process.env.SANDBOX_ADMIN_TOKEN!, REDIS_URL: process.env.REDIS_URL! });
  children.push(child);
  return child;
};

beforeAll(async () => {
  sb = await h.startTestSandbox();
});

afterAll(async () => {
  for (const c of children) await killHard(c);
  await closeRunQueue();
  await closeProducerConnection();
  await sb.server.close();
  await killHard(redis);
  await db.$disconnect();
});

// A drain that cannot finish on its own: a budget forbids evicting any cart pod.
async function blockedDrain(c: Awaited<ReturnType<typeof h.createTestCluster>>) {
  const pods = (await c.core.listNamespacedPod({ namespace: "shop", labelSelector: "app=cart" })).items.filter((p) => p.status?.phase === "Running");
  const node = pods[0]!.spec!.nodeName!;
  await c.policy.createNamespacedPodDisruptionBudget({
    namespace: "shop",
    body: { metadata: { name: "cart-all" }, spec: { minAvailable: 2, selector: { matchLabels: { app: "cart" } } } },
  });
  const { run } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "node-drain", params: { nodeName: node, evictionTimeoutSeconds: 120, durationSeconds: 2 } });
  // Mid-drain: the node is cordoned and an eviction is backing off.
  await h.eventually("drain under way", async () => (await db.runStep.count({ where: { runId: run.id, name: { startsWith: "evict" }, state: "RUNNING" } })) > 0);
  expect(await h.cordonedNodes(c)).toEqual([node]);
  return { run, node };
}

// Worker processes start slowly on a busy machine: the deadline is generous, the assertions are not.
describe("crash recovery", { timeout: 180_000 }, () => {
  it("a run whose worker is SIGKILLed mid-drain is rolled back by another worker", async () => {
    const c = await h.createTestCluster(sb);
    const first = await worker();
    const { run } = await blockedDrain(c);
    await killHard(first);
    const second = await worker();
    const done = await h.waitForRun(run.id, undefined, 60_000);
    expect(["ROLLED_BACK", "SUCCEEDED", "FAILED"]).toContain(done.state);
    expect(done.state).toBe("ROLLED_BACK");
    expect(done.workerId).toMatch(new RegExp(`:${second.pid}$`));
    expect(done.attempt).toBe(2);
    expect(await h.cordonedNodes(c)).toEqual([]);
    await killHard(second);
  });

  it("a run survives a Redis restart mid-run and reaches a permanent state", async () => {
    const c = await h.createTestCluster(sb);
    await worker();
    const { run } = await blockedDrain(c);
    await killHard(redis);
    redis = await startRedis(redisPort);
    // Let the drain finish now: the run must carry on and then uncordon on time.
    await c.policy.deleteNamespacedPodDisruptionBudget({ name: "cart-all", namespace: "shop" });
    const done = await h.waitForRun(run.id, undefined, 60_000);
    expect(done.state).toBe("SUCCEEDED");
    expect(await h.cordonedNodes(c)).toEqual([]);
  });
});
