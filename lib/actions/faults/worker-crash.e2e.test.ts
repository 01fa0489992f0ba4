import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoordinationV1Api } from "@kubernetes/client-node";
import { freePort, killHard, startRedis, startWorkerProcess } from "@/lib/runs/testing/processes";

// A worker SIGKILLed while its run holds faults in pods: nobody renews the Leases, so each
// runner ends its fault by itself once its Lease lapses, before any other worker is there;
// then another worker's sweep takes the run over, rolls it back (releasing what is left) and
// records it. Real worker processes, a Redis server and a queue prefix of this file's own.
const timing = { RUN_HEARTBEAT_MS: "200", RUN_STALE_MS: "2000", RUN_SWEEP_MS: "500", PYSTOL_FAULT_LEASE_SECONDS: "4" };
Object.assign(process.env, timing);
process.env.PYSTOL_QUEUE_PREFIX = `pystol-test-fault-crash-${process.pid}`;
const redisPort = await freePort();
const redis = await startRedis(redisPort);
process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;

const { db } = await import("@/lib/db");
const { closeProducerConnection } = await import("@/lib/queue");
const { startRun, closeRunQueue } = await import("@/lib/runs");
const h = await import("@/lib/runs/testing/harness");

let sb: Awaited<ReturnType<typeof h.startTestSandbox>>;
const children: ChildProcess[] = [];
const worker = async () => {
  const child = await startWorkerProcess({
    ...timing,
    PYSTOL_QUEUE_PREFIX: process.env.PYSTOL_QUEUE_PREFIX!,
    SANDBOX_ADMIN_URL: process.env.SANDBOX_ADMIN_URL!,
    SANDBOX_ADMIN_TOKEN: process.env.SANDBOX_ADMIN_TOKEN!,
    REDIS_URL: process.env.REDIS_URL!,
  });
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

describe("a worker killed while faults are active", { timeout: 240_000 }, () => {
  it("each fault ends by its lapsed Lease; the run is rolled back by another worker and recorded", async () => {
    const c = await h.createTestCluster(sb);
    const leases = c.kubeconfig.makeApiClient(CoordinationV1Api);
    const first = await worker();
    const { run } = await startRun({
      teamId: c.teamId,
      clusterId: c.clusterId,
      actionId: "network-latency",
      params: { namespace: "shop", labelSelector: "app=frontend", count: 2, latencyMs: 300, durationSeconds: 600 },
    });
    const steps = await h.eventually("both faults injected", async () => {
      const s = await db.runStep.findMany({ where: { runId: run.id, name: { startsWith: "inject " }, state: "SUCCEEDED" } });
      return s.length === 2 ? s : undefined;
    });
    const faults = steps.map((s) => s.undo as { pod: string; name: string });
    const runner = async (f: { pod: string; name: string }) =>
      ((await c.core.readNamespacedPod({ name: f.pod, namespace: "shop" })).status?.ephemeralContainerStatuses ?? []).find((s) => s.name === f.name)?.state;
    for (const f of faults) await h.eventually("the runner running", async () => (await runner(f))?.running !== undefined);

    await killHard(first);
    // No worker at all now: only the lapsed Leases can end the faults.
    for (const f of faults) {
      await h.eventually(`the runner in ${f.pod} ended by its lease`, async () => (await runner(f))?.terminated !== undefined);
      // The runner's own log says why it ended.
      const log = await c.core.readNamespacedPodLog({ name: f.pod, namespace: "shop", container: f.name });
      expect(log).toMatch(/"event":"ending".*lease lapsed/);
    }
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("RUNNING");

    const second = await worker();
    const done = await h.waitForRun(run.id, undefined, 90_000);
    expect(done.state).toBe("ROLLED_BACK");
    expect(done.workerId).toMatch(new RegExp(`:${second.pid}$`));
    const left = (await leases.listNamespacedLease({ namespace: "shop" })).items.map((l) => l.metadata!.name);
    for (const f of faults) expect(left).not.toContain(f.name);
    const undone = await db.runStep.findMany({ where: { runId: run.id, name: { startsWith: "inject " } } });
    expect(undone.map((s) => s.state)).toEqual(["ROLLED_BACK", "ROLLED_BACK"]);
    const log = await db.runLog.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });
    expect(log.map((l) => l.message).join("\n")).toMatch(/taken over by .*\n[\s\S]*rolling back 4 steps/);
  });
});
