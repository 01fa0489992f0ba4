import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue";
import { closeRunEvents } from "./run-events";
import { closeRunQueue, runQueue } from "./run-queue";
import { startRun } from "./start-run";
import { createTestCluster, startTestSandbox, type Sandbox, type TestCluster } from "./testing/harness";

// A run and its audit event are written in one transaction before the run is queued: when the
// audit write fails, there is no run, no queue message and nothing in the cluster, so a client
// told to try again cannot start the fault twice.
let sb: Sandbox;
let c: TestCluster;
const meta = { ip: "192.0.2.1", userAgent: "test" };

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

const request = () => ({ teamId: c.teamId, clusterId: c.clusterId, actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } });

describe("a run and its audit event", () => {
  it("are written together", async () => {
    const { run } = await startRun(request(), { audit: (r, p) => ({ action: "run.started", teamId: c.teamId, targetType: "run", targetId: r.id, data: { targets: p.targets.length }, meta }) });
    const event = await db.auditEvent.findFirstOrThrow({ where: { teamId: c.teamId, targetId: run.id } });
    expect(event).toMatchObject({ action: "run.started", ip: "192.0.2.1", data: { targets: 1 } });
  });

  it("leave nothing when the audit event cannot be written: no run, no queue message", async () => {
    const before = await db.run.count({ where: { teamId: c.teamId } });
    const since = Date.now();
    const failing = startRun(request(), { audit: (r) => ({ action: "run.started", teamId: "no-such-team", targetType: "run", targetId: r.id, meta }) });
    await expect(failing).rejects.toThrow();
    expect(await db.run.count({ where: { teamId: c.teamId } })).toBe(before);
    expect((await db.team.findUniqueOrThrow({ where: { id: c.teamId } })).activeRuns).toBe(before);
    // Every message queued since the call is of a recorded run (other files share this queue
    // and database, and delete their own runs).
    const waiting = (await runQueue().getJobs(["waiting", "active", "delayed", "completed", "failed"])).filter((j) => j.timestamp >= since);
    const ids = waiting.map((j) => (j.data as { runId: string }).runId);
    const known = new Set((await db.run.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id));
    expect(ids.filter((id) => !known.has(id))).toEqual([]);
  });
});
