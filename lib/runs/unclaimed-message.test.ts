import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A worker took a run's queue message and died before claiming the run: BullMQ still shows
// the message active until its stall check. The sweep starts the run as soon as the dead
// worker's lock on the message has lapsed.
process.env.RUN_STALE_MS = "500";
// A queue of this file's own: the worker that "dies" here must not take other files' runs.
process.env.PYSTOL_QUEUE_PREFIX = `${process.env.PYSTOL_QUEUE_PREFIX ?? "pystol-test"}-unclaimed`;

// Imported after the prefix is set: the environment is read once, at first use.
const { db } = await import("@/lib/db");
const { env } = await import("@/lib/env");
const { closeProducerConnection, createWorkerConnection } = await import("@/lib/queue");
const { startRun } = await import("./start-run");
const { closeRunEvents } = await import("./run-events");
const { closeRunQueue, RUNS_QUEUE, runQueue } = await import("./run-queue");
const { sweepRuns } = await import("./recover-runs");
const h = await import("./testing/harness");

let sb: Awaited<ReturnType<typeof h.startTestSandbox>>;
let c: Awaited<ReturnType<typeof h.createTestCluster>>;

beforeAll(async () => {
  sb = await h.startTestSandbox();
  c = await h.createTestCluster(sb);
});
afterAll(async () => {
  await closeRunQueue();
  await closeRunEvents();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

describe("a queue message taken but never claimed", { timeout: 60_000 }, () => {
  it("is left alone while its worker holds the lock, and run by the sweep once the lock has lapsed", async () => {
    // The worker that dies: it takes the message, never claims the run, and stops renewing its lock.
    const connection = createWorkerConnection();
    let taken!: () => void;
    const took = new Promise<void>((r) => (taken = r));
    const dying = new Worker(RUNS_QUEUE, () => (taken(), new Promise(() => undefined)), {
      connection,
      prefix: env().PYSTOL_QUEUE_PREFIX,
      lockDuration: 1_000,
      stalledInterval: 600_000,
    });
    const { run } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "node-cordon", params: { labelSelector: "pystol.io/pool=general", durationSeconds: 1 }, confirm: "node-cordon" });
    await took;
    await new Promise((r) => setTimeout(r, 600));
    // Held: the sweep leaves it to its worker.
    await sweepRuns({ workerId: "sweeper" }, 10, { teamId: c.teamId });
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("QUEUED");

    await dying.close(true);
    await connection.quit();
    expect(await (await runQueue().getJob(run.id))!.getState()).toBe("active");
    // Other test files share this database: the sweep is confined to this test's team.
    await h.eventually("the sweep runs it", async () => {
      await sweepRuns({ workerId: "sweeper" }, 10, { teamId: c.teamId });
      return (await db.run.findUniqueOrThrow({ where: { id: run.id } })).state !== "QUEUED";
    });
    expect((await h.waitForRun(run.id)).state).toBe("SUCCEEDED");
  });
});
