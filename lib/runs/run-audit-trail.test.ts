import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { abortRun } from "./abort-run";
import { startRun } from "./start-run";
import { startRunStack, waitForRun, eventually, type RunStack } from "./testing/harness";

// Every state change of a run is in the audit log, written with the change itself: the
// worker's claim (running), the end (succeeded, rolled back, …), a rollback, a cancel. The
// soak (scripts/soak.ts) checks the same over hundreds of runs while processes are killed.
process.env.RUN_HEARTBEAT_MS = "200";
let stack: RunStack;

beforeAll(async () => {
  stack = await startRunStack("audit-trail");
});
afterAll(async () => {
  await stack.close();
});

const trail = async (runId: string) =>
  (await db.auditEvent.findMany({ where: { targetId: runId, action: "run.state_changed" }, orderBy: { id: "asc" } })).map((e) => {
    const d = e.data as { state: string; from: string };
    return `${d.from}→${d.state}`;
  });

const scale = (durationSeconds: number) => ({
  teamId: stack.cluster.teamId,
  clusterId: stack.cluster.clusterId,
  actionId: "deployment-scale",
  params: { namespace: "shop", name: "cart", replicas: 0, durationSeconds },
});

describe("the audit trail of a run", { timeout: 60_000 }, () => {
  it("records running and the end", async () => {
    const { run } = await startRun(scale(1));
    expect((await waitForRun(run.id)).state).toBe("SUCCEEDED");
    expect(await trail(run.id)).toEqual(["QUEUED→RUNNING", "RUNNING→SUCCEEDED"]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { targetId: run.id, action: "run.state_changed" }, orderBy: { id: "desc" } });
    expect(event.teamId).toBe(stack.cluster.teamId);
  });

  it("records a rollback after an abort", async () => {
    const { run } = await startRun(scale(60));
    await eventually("the scale-down done", async () => (await db.runStep.count({ where: { runId: run.id, state: "SUCCEEDED" } })) > 0);
    await abortRun(stack.cluster.teamId, run.id);
    expect((await waitForRun(run.id)).state).toBe("ROLLED_BACK");
    expect(await trail(run.id)).toEqual(["QUEUED→RUNNING", "RUNNING→ROLLING_BACK", "ROLLING_BACK→ROLLED_BACK"]);
  });

  it("records a queued run cancelled", async () => {
    // Recorded directly as queued (no queue message): the abort finds it before any worker.
    const run = await db.run.create({ data: { teamId: stack.cluster.teamId, clusterId: stack.cluster.clusterId, actionId: "deployment-scale", params: {}, state: "QUEUED" } });
    expect(await abortRun(stack.cluster.teamId, run.id)).toBe("CANCELLED");
    expect(await trail(run.id)).toEqual(["QUEUED→CANCELLED"]);
  });
});
