import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { mergePatch } from "@/lib/actions/undo";
import { closeProducerConnection } from "@/lib/queue";
import { closeRunEvents } from "./run-events";
import { closeRunQueue } from "./run-queue";
import { sweepRuns } from "./recover-runs";
import { cordonedNodes, createTestCluster, startTestSandbox, type Sandbox, type TestCluster } from "./testing/harness";

// A run whose rollback failed (the cluster refused the uncordon at the time) is left
// ROLLBACK_FAILED with the undo still open. The sweep tries the undo again; once it is carried
// out, the run's state follows: ROLLED_BACK, with a line saying the cluster is restored.
let sb: Sandbox;
let c: TestCluster;

beforeAll(async () => {
  sb = await startTestSandbox();
  c = await createTestCluster(sb);
});
afterAll(async () => {
  await closeRunQueue();
  await closeRunEvents();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

describe("undos retried after a failed rollback", () => {
  it("restores the cluster and the run's state follows its undos", async () => {
    const node = (await c.core.listNode()).items[0]!.metadata!.name!;
    await c.core.patchNode({ name: node, body: { spec: { unschedulable: true } } }, mergePatch());
    expect(await cordonedNodes(c)).toEqual([node]);
    const finishedAt = new Date();
    const run = await db.run.create({
      data: {
        teamId: c.teamId,
        clusterId: c.clusterId,
        actionId: "node-cordon",
        params: { nodeName: node, durationSeconds: 60 },
        state: "ROLLBACK_FAILED",
        error: "aborted; 1 undo failed",
        startedAt: finishedAt,
        finishedAt,
        steps: {
          create: {
            teamId: c.teamId,
            index: 0,
            name: `cordon ${node}`,
            state: "ROLLBACK_FAILED",
            error: "undo failed: the API server answered 503",
            undo: { kind: "uncordon", node },
            startedAt: finishedAt,
          },
        },
      },
    });
    // Other test files share this database: the sweep is confined to this test's team.
    await sweepRuns({ workerId: "undo-retry-test" }, 10, { teamId: c.teamId });
    expect(await cordonedNodes(c)).toEqual([]);
    const after = await db.run.findUniqueOrThrow({ where: { id: run.id }, include: { steps: true, logs: true } });
    expect(after.state).toBe("ROLLED_BACK");
    expect(after.error).toBe("aborted; restored on a later attempt");
    expect(after.steps[0]!.state).toBe("ROLLED_BACK");
    expect(after.steps[0]!.undoneAt).not.toBeNull();
    expect(after.logs.map((l) => l.message)).toContain("every undo is now carried out: the cluster is restored");
    // Nothing left to do: the next sweep changes nothing.
    await sweepRuns({ workerId: "undo-retry-test" }, 10, { teamId: c.teamId });
    expect(await db.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ state: "ROLLED_BACK", error: "aborted; restored on a later attempt" });
    expect(await db.runLog.count({ where: { runId: run.id } })).toBe(1);
  });

  it("does not retry a rollback that failed more than a day ago: that needs a person", async () => {
    const node = (await c.core.listNode()).items[1]!.metadata!.name!;
    const old = new Date(Date.now() - 25 * 3600_000);
    const run = await db.run.create({
      data: {
        teamId: c.teamId,
        clusterId: c.clusterId,
        actionId: "node-cordon",
        params: { nodeName: node, durationSeconds: 60 },
        state: "ROLLBACK_FAILED",
        error: "aborted; 1 undo failed",
        startedAt: old,
        finishedAt: old,
        steps: { create: { teamId: c.teamId, index: 0, name: `cordon ${node}`, state: "ROLLBACK_FAILED", undo: { kind: "uncordon", node }, startedAt: old } },
      },
    });
    await sweepRuns({ workerId: "undo-retry-test" }, 10, { teamId: c.teamId });
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("ROLLBACK_FAILED");
  });
});
