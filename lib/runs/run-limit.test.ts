import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunRefusedError } from "@/lib/actions";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue";
import { abortRun, closeRunQueue, startRun } from "./index";
import { runQueue } from "./run-queue";
import { createTestCluster, startTestSandbox, type Sandbox, type TestCluster } from "./testing/harness";

// The per-team limit of concurrent runs, kept by PostgreSQL (migration team_active_runs). No
// worker runs here: started runs stay QUEUED, so they keep their places.
let sb: Sandbox;
let c: TestCluster;

beforeAll(async () => {
  sb = await startTestSandbox();
  c = await createTestCluster(sb, { maxConcurrentRuns: 3 });
});

afterAll(async () => {
  // Leave nothing for the workers of other test files (one queue prefix per test run).
  const runs = await db.run.findMany({ where: { teamId: c.teamId }, select: { id: true } });
  await Promise.all(runs.map((r) => runQueue().remove(r.id)));
  await db.run.deleteMany({ where: { teamId: c.teamId } });
  await closeRunQueue();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

const start = () => startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } });
const activeRuns = async () => (await db.team.findUniqueOrThrow({ where: { id: c.teamId } })).activeRuns;

describe("concurrent-run limit", () => {
  it("lets exactly the limit through when many start at once, and says why it refuses the rest", async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, start));
    const started = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(started).toHaveLength(3);
    expect(refused).toHaveLength(5);
    for (const err of refused) {
      expect(err).toBeInstanceOf(RunRefusedError);
      expect((err as RunRefusedError).code).toBe("concurrency-limit");
      expect((err as RunRefusedError).message).toContain("its limit is 3");
    }
    expect(await db.run.count({ where: { teamId: c.teamId } })).toBe(3);
    expect(await activeRuns()).toBe(3);
  });

  it("gives a place back when a run ends, is cancelled or is deleted, and not before", async () => {
    const [a, b] = await db.run.findMany({ where: { teamId: c.teamId, state: "QUEUED" }, orderBy: { queuedAt: "asc" }, take: 2 });
    // Changing state between states in progress keeps the place.
    await db.run.update({ where: { id: a!.id }, data: { state: "RUNNING" } });
    await expect(start()).rejects.toMatchObject({ code: "concurrency-limit" });
    await db.run.update({ where: { id: a!.id }, data: { state: "SUCCEEDED", finishedAt: new Date() } });
    expect(await activeRuns()).toBe(2);
    await start();
    await expect(start()).rejects.toMatchObject({ code: "concurrency-limit" });

    expect(await abortRun(c.teamId, b!.id)).toBe("CANCELLED");
    await start();
    const queued = await db.run.findFirstOrThrow({ where: { teamId: c.teamId, state: "QUEUED" } });
    await db.run.delete({ where: { id: queued.id } });
    expect(await activeRuns()).toBe(2);
    await start();
    expect(await activeRuns()).toBe(await db.run.count({ where: { teamId: c.teamId, state: { in: ["QUEUED", "RUNNING", "ROLLING_BACK"] } } }));
  });

  it("never refuses a dry run, which takes no place", async () => {
    const { run } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 }, dryRun: true });
    expect(run.state).toBe("SUCCEEDED");
    expect(await activeRuns()).toBe(3);
  });
});
