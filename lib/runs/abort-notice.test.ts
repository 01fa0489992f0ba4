import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { abortRun, startRun } from "./index";
import { eventually, startRunStack, waitForRun, type RunStack } from "./testing/harness";

// An abort reaches the worker holding the run through a Redis notice, not at its next
// heartbeat: with heartbeats a minute apart, an aborted run is still rolled back long before.
process.env.RUN_HEARTBEAT_MS = "60000";
process.env.RUN_STALE_MS = "600000";
process.env.RUN_SWEEP_MS = "60000";

let stack: RunStack;
beforeAll(async () => {
  stack = await startRunStack("abort-notice");
});
afterAll(() => stack.close());

describe("abort notice", () => {
  it("a running run is told of its abort at once and rolls back", async () => {
    const c = stack.cluster;
    const { run } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "deployment-scale", params: { namespace: "shop", name: "cart", replicas: 1, durationSeconds: 600 } });
    await eventually("the fault is active", async () => (await db.runLog.count({ where: { runId: run.id, message: { startsWith: "scaled shop/cart" } } })) > 0);
    // The state read right after the request: the worker may already be rolling back, or done.
    expect(["RUNNING", "ROLLING_BACK", "ROLLED_BACK"]).toContain(await abortRun(c.teamId, run.id, { name: "Ada", via: "run" }));
    // Well within one heartbeat period (60 s): only the notice can have told the worker.
    const done = await waitForRun(run.id, undefined, 30_000);
    expect(done.state).toBe("ROLLED_BACK");
    expect(await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
  });
});
