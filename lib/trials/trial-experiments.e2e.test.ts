import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getExecutionDetail, startExecution } from "@/lib/experiments";
import { contextOf, startExperimentStack, waitForExecution, type ExperimentStack } from "@/lib/experiments/testing/harness";
import { cordonedNodes } from "@/lib/runs/testing/harness";
import type { TeamContext } from "@/lib/tenancy";
import { CART_POD_EXPERIMENT, ZONE_EXPERIMENT } from "./trial-experiment-names";
import { createTrialExperiments } from "./trial-experiments";

// The trial's two experiments run by the engine (run worker and experiment worker in this
// process) on a trial team's demo shop: the first passes; the second's stop condition trips,
// both faults are rolled back, and the shop is whole again. Trial limits stay in force: each
// fault is a run counted against the trial's runs.
Object.assign(process.env, {
  RUN_HEARTBEAT_MS: "200",
  RUN_STALE_MS: "2000",
  RUN_SWEEP_MS: "500",
  EXPERIMENT_HEARTBEAT_MS: "200",
  EXPERIMENT_STALE_MS: "2000",
  EXPERIMENT_SWEEP_MS: "500",
  EXPERIMENT_POLL_MS: "200",
});

let stack: ExperimentStack;
let ctx: TeamContext;
let ids: Map<string, string>;

beforeAll(async () => {
  stack = await startExperimentStack("trial-experiments");
  await db.team.update({ where: { id: stack.cluster.teamId }, data: { isTrial: true, trialExpiresAt: new Date(Date.now() + 3600_000) } });
  ctx = await contextOf(stack.cluster);
  await createTrialExperiments(ctx, stack.cluster.clusterId);
  // A second call (a retry) leaves them as they are.
  await createTrialExperiments(ctx, stack.cluster.clusterId);
  const rows = await db.experiment.findMany({ where: { teamId: ctx.team.id } });
  ids = new Map(rows.map((r) => [r.name, r.id]));
});
afterAll(async () => {
  await stack?.close();
});

/** Starts an execution as the page does: with the name typed when the plan asks for confirmation. */
async function run(name: string) {
  const execution = await startExecution(ctx, ids.get(name)!, { confirm: name });
  const done = await waitForExecution(execution.id, undefined, 150_000);
  return { done, detail: (await getExecutionDetail(ctx.team.id, execution.id))! };
}

describe("the trial's experiments, run by the engine", { timeout: 200_000 }, () => {
  it("are created once, on the trial's cluster", () => {
    expect([...ids.keys()].sort()).toEqual([CART_POD_EXPERIMENT, ZONE_EXPERIMENT]);
  });

  it(`"${CART_POD_EXPERIMENT}" passes`, async () => {
    const { done, detail } = await run(CART_POD_EXPERIMENT);
    const seen = detail.checks.map((c) => `${c.name}: ${c.samples.map((s) => `${s.phase ?? ""} ${s.outcome} ${s.observed}`).join(" | ")}`).join("\n");
    expect(done.state, seen).toBe("PASSED");
    expect(done.score).toBeGreaterThanOrEqual(90);
    const during = detail.checks.find((c) => c.mode === "during")!;
    expect(during.samples.length).toBeGreaterThanOrEqual(5);
    // The model keeps checkout near 100 ms with one cart replica; a loaded machine may add one slow answer, which is tolerated.
    expect(during.samples.filter((s) => s.outcome !== "pass").length, seen).toBeLessThanOrEqual(1);
    expect(detail.stages[0]!.faults.map((f) => f.state)).toEqual(["SUCCEEDED"]);
  });

  it(`"${ZONE_EXPERIMENT}" fails: checkout's stop condition trips and both faults are rolled back`, async () => {
    // It hits more objects than the team's confirmation threshold: the guide tells the visitor to type its name.
    await expect(startExecution(ctx, ids.get(ZONE_EXPERIMENT)!)).rejects.toMatchObject({ code: "confirmation-required" });
    const { done, detail } = await run(ZONE_EXPERIMENT);
    expect(done.state).toBe("FAILED");
    expect(detail.trippedBy).toMatchObject({ name: "checkout under 300 ms" });
    expect(done.reason).toMatch(/checkout under 300 ms/);
    const during = detail.checks.find((c) => c.mode === "during")!;
    expect(during.samples.filter((s) => s.outcome !== "pass").length).toBe(2);
    // Every fault rolled back: no node left cordoned, the frontend back to three replicas.
    expect(detail.stages[0]!.faults.map((f) => f.state)).toEqual(["ROLLED_BACK", "ROLLED_BACK"]);
    expect(await cordonedNodes(stack.cluster)).toEqual([]);
    const frontend = await stack.cluster.apps.readNamespacedDeployment({ name: "frontend", namespace: "shop" });
    expect(frontend.spec?.replicas).toBe(3);
    // The trial's runs counted them: one for the first experiment, two for this one.
    expect(await db.run.count({ where: { teamId: ctx.team.id, dryRun: false } })).toBe(3);
  });
});
