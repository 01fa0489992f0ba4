import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, killHard, startRedis, startWorkerProcess } from "@/lib/runs/testing/processes";

// A worker process SIGKILLed in the middle of an experiment: another worker process takes the
// execution over, aborts and rolls back every fault it held, and ends it in error. Real
// processes (workers/worker.ts under tsx) and a Redis of this test's own.
const timing = {
  RUN_HEARTBEAT_MS: "200",
  RUN_STALE_MS: "2000",
  RUN_SWEEP_MS: "500",
  EXPERIMENT_HEARTBEAT_MS: "200",
  EXPERIMENT_STALE_MS: "2000",
  EXPERIMENT_SWEEP_MS: "500",
  EXPERIMENT_POLL_MS: "200",
};
Object.assign(process.env, timing);
const redisPort = await freePort();
const redis = await startRedis(redisPort);
process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;

// Imported after REDIS_URL is set: the environment is read once, at first use.
const { db } = await import("@/lib/db");
const { closeProducerConnection } = await import("@/lib/queue");
const { closeRunQueue } = await import("@/lib/runs");
const h = await import("@/lib/runs/testing/harness");
const { startExecution, closeExperimentQueues } = await import("./index");
const { contextOf, saveExperiment, waitForExecution } = await import("./testing/harness");

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
  await closeExperimentQueues();
  await closeRunQueue();
  await closeProducerConnection();
  await sb.server.close();
  await killHard(redis);
  await db.$disconnect();
});

describe("experiment crash recovery", { timeout: 180_000 }, () => {
  it("an execution whose worker is SIGKILLed mid-experiment is ended by another worker with no fault left active", async () => {
    const c = await h.createTestCluster(sb);
    const ctx = await contextOf(c);
    const first = await worker();
    const experiment = await saveExperiment(ctx, c, {
      stages: [{ name: "cart at one", faults: [{ actionId: "deployment-scale", params: { namespace: "shop", name: "cart", replicas: 1, durationSeconds: 300 } }] }],
      checks: [
        {
          name: "checkout",
          type: "http",
          mode: "during",
          intervalSeconds: 1,
          target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" },
        },
      ],
    });
    const execution = await startExecution(ctx, experiment.id);
    await waitForExecution(execution.id, ["OBSERVING"], 60_000);
    const run = await h.eventually("the fault is active", async () => {
      const r = await db.run.findFirst({ where: { executionId: execution.id, state: "RUNNING" } });
      const scale = await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" });
      return r && scale.spec?.replicas === 1 ? r : undefined;
    });
    await killHard(first);
    const second = await worker();

    const done = await waitForExecution(execution.id, undefined, 90_000);
    expect({ state: done.state, reason: done.reason }).toEqual({ state: "ERROR", reason: "its worker stopped mid-experiment; every fault was rolled back" });
    expect(done.workerId).toMatch(new RegExp(`:${second.pid}$`));
    expect(done.attempt).toBe(2);
    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.state).toBe("ROLLED_BACK");
    expect(await db.run.count({ where: { executionId: execution.id, state: { in: ["QUEUED", "RUNNING", "ROLLING_BACK"] } } })).toBe(0);
    const steps = await db.runStep.findMany({ where: { runId: run.id } });
    expect(steps.map((s) => [s.state, s.undoneAt !== null])).toEqual([["ROLLED_BACK", true]]);
    expect(await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
    // Its during-checks stop once it is over: no sample after the verdict.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await db.checkSample.count({ where: { executionId: execution.id, at: { gt: done.finishedAt! } } })).toBe(0);
  });
});
