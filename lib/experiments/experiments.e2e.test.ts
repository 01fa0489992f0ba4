import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunRefusedError } from "@/lib/actions";
import { db } from "@/lib/db";
import { createTestCluster, eventually, type TestCluster } from "@/lib/runs/testing/harness";
import { haltTeam } from "./halt";
import { experimentCheckSchema } from "./definition";
import { storeDuringSample } from "./samples";
import {
  abortExecution,
  executionEventStream,
  getExecutionDetail,
  listExecutions,
  planExperiment,
  readExecutionJournal,
  startExecution,
  type ExecutionEvent,
  type ExperimentDefinitionInput,
} from "./index";
import { contextOf, saveExperiment, startExperimentStack, waitForExecution, type ExperimentStack } from "./testing/harness";

// Experiments end to end: startExecution as the web side calls it, the experiments and checks
// queues in Redis, a worker (runs and experiments) in this process, PostgreSQL, and sandbox
// clusters with the demo shop. Timings are shortened; assertions are on outcomes only.
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

beforeAll(async () => {
  stack = await startExperimentStack("experiments");
});
afterAll(() => stack.close());

const checkout = (extra: object = {}) => ({
  name: "checkout",
  type: "http" as const,
  mode: "during" as const,
  intervalSeconds: 1,
  target: { kind: "service" as const, namespace: "shop", service: "frontend", port: "http", path: "/checkout" },
  expect: { status: ["2xx"], maxLatencyMs: 2000 },
  ...extra,
});
const cartAvailable = {
  name: "cart available",
  type: "kubernetes" as const,
  mode: "before-and-after" as const,
  intervalSeconds: 1,
  check: { condition: "workload-available" as const, workload: "Deployment" as const, namespace: "shop", name: "cart", minAvailable: 2 },
};

async function run(c: TestCluster, definition: ExperimentDefinitionInput, opts: { confirm?: string } = {}) {
  const ctx = await contextOf(c);
  const experiment = await saveExperiment(ctx, c, definition);
  const execution = await startExecution(ctx, experiment.id, opts);
  return { ctx, experiment, execution };
}

const runsOf = (executionId: string) => db.run.findMany({ where: { executionId }, orderBy: [{ stageIndex: "asc" }, { faultIndex: "asc" }] });
const replicas = async (c: TestCluster, name: string) => (await c.apps.readNamespacedDeployment({ name, namespace: "shop" })).status?.availableReplicas ?? 0;

describe("experiments", { timeout: 120_000 }, () => {
  it("passes: a cart pod is killed while checkout holds; samples, score and events are kept", async () => {
    const c = await createTestCluster(stack.sandbox);
    const { ctx, execution } = await run(c, {
      stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }], waitAfterSeconds: 3 }],
      checks: [checkout(), cartAvailable],
      recoveryWindowSeconds: 30,
    });
    const done = await waitForExecution(execution.id);
    expect({ state: done.state, reason: done.reason }).toMatchObject({ state: "PASSED" });
    expect(done.score).toBe(100);
    const runs = await runsOf(execution.id);
    expect(runs.map((r) => [r.actionId, r.stageIndex, r.faultIndex, r.state])).toEqual([["pod-kill", 0, 0, "SUCCEEDED"]]);

    const detail = await getExecutionDetail(c.teamId, execution.id);
    expect(detail?.stages[0]?.faults[0]).toMatchObject({ runId: runs[0]!.id, state: "SUCCEEDED", actionId: "pod-kill" });
    const [during, available] = detail!.checks;
    expect(during!.samples.length).toBeGreaterThanOrEqual(2);
    expect(during!.samples.every((s) => s.phase === "during" && s.outcome === "pass" && s.value !== null)).toBe(true);
    expect(during!.threshold).toEqual({ value: 2000, op: "<=", unit: "ms" });
    expect(during!.outcome).toEqual({ before: null, during: "pass", after: null });
    expect(available!.outcome).toEqual({ before: "pass", during: null, after: "pass" });
    expect(available!.threshold).toEqual({ value: 2, op: ">=", unit: "replicas" });
    expect(await getExecutionDetail("another-team", execution.id)).toBeNull();
    expect((await listExecutions(ctx))[0]).toMatchObject({ id: execution.id, state: "PASSED", score: 100 });

    const events = (await readExecutionJournal(execution.id)).map((e) => e.event);
    const states = events.filter((e): e is Extract<ExecutionEvent, { type: "state" }> => e.type === "state").map((e) => e.state);
    expect(states).toEqual(["QUEUED", "CHECKING", "INJECTING", "OBSERVING", "RECOVERING", "PASSED"]);
    expect(events.some((e) => e.type === "fault" && e.status === "ended" && e.state === "SUCCEEDED")).toBe(true);
    expect(events.filter((e) => e.type === "sample").length).toBe(detail!.checks.reduce((n, ch) => n + ch.samples.length, 0));

    // An evaluation that ends after the faults did is dropped: the verdict is written already.
    const late = { outcome: "pass" as const, value: 1, observed: "late", durationMs: 1, at: new Date() };
    expect(await storeDuringSample({ executionId: execution.id, teamId: c.teamId }, experimentCheckSchema.parse(checkout()), 0, late)).toBeNull();
    expect(await db.checkSample.count({ where: { executionId: execution.id, observed: "late" } })).toBe(0);
  });

  it("a before-check that fails keeps it from starting: NOT_STARTED and no run", async () => {
    const c = await createTestCluster(stack.sandbox);
    const { execution } = await run(c, {
      stages: [{ name: "kill", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
      checks: [{ name: "many nodes", type: "kubernetes", mode: "before", check: { condition: "nodes-ready", minReady: 1000 } }],
    });
    const done = await waitForExecution(execution.id);
    expect(done.state).toBe("NOT_STARTED");
    expect(done.reason).toMatch(/^the before-check "many nodes" did not pass: .*expected at least 1000/);
    expect(await runsOf(execution.id)).toEqual([]);
    expect(done.score).toBe(0);
  });

  it("a stop condition trips: every fault is rolled back and the verdict names the check", async () => {
    const c = await createTestCluster(stack.sandbox);
    const { execution } = await run(c, {
      stages: [
        {
          name: "lose cart and slow the frontend",
          faults: [
            { actionId: "deployment-scale", params: { namespace: "shop", name: "cart", replicas: 0, durationSeconds: 120 } },
            { actionId: "deployment-scale", params: { namespace: "shop", name: "recommendation", replicas: 1, durationSeconds: 120 } },
          ],
        },
        { name: "never reached", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=frontend", count: 1 } }] },
      ],
      checks: [checkout({ tolerance: { failures: 1 } })],
    });
    const done = await waitForExecution(execution.id);
    expect(done.state).toBe("FAILED");
    expect(done.reason).toMatch(/^stopped by checkout: 2 of \d+ evaluations failed/);
    expect(done.trippedBy).toMatchObject({ checkIndex: 0, name: "checkout" });
    const runs = await runsOf(execution.id);
    expect(runs.map((r) => [r.stageIndex, r.faultIndex, r.state])).toEqual([
      [0, 0, "ROLLED_BACK"],
      [0, 1, "ROLLED_BACK"],
    ]);
    const logs = await db.runLog.findMany({ where: { runId: runs[0]!.id }, select: { message: true } });
    expect(logs.map((l) => l.message)).toContain('abort requested: aborted by the stop condition "checkout"');
    expect(await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
    expect(await c.apps.readNamespacedDeploymentScale({ name: "recommendation", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
    expect(done.score).toBeLessThanOrEqual(50);
    const detail = await getExecutionDetail(c.teamId, execution.id);
    expect(detail?.checks[0]).toMatchObject({ tripped: true, outcome: { during: "fail" } });
    expect(detail?.trippedBy?.name).toBe("checkout");
  });

  // A held fault: cart down to one replica for two minutes unless the experiment ends it.
  const heldCart = { actionId: "deployment-scale", params: { namespace: "shop", name: "cart", replicas: 1, durationSeconds: 120 } };
  const observing = async (executionId: string) => {
    await waitForExecution(executionId, ["OBSERVING"]);
    await eventually("the fault is active", async () => (await runsOf(executionId))[0]?.state === "RUNNING" && (await replicas(await clusterOf(executionId), "cart")) === 1);
  };
  const clusters = new Map<string, TestCluster>();
  const clusterOf = async (executionId: string) => clusters.get((await db.experimentExecution.findUniqueOrThrow({ where: { id: executionId } })).clusterId)!;
  const fresh = async (team: Parameters<typeof createTestCluster>[1] = {}) => {
    const c = await createTestCluster(stack.sandbox, team);
    clusters.set(c.clusterId, c);
    return c;
  };

  it("a person's abort rolls every fault back: ABORTED, by whom", async () => {
    const c = await fresh();
    const { ctx, execution } = await run(c, { stages: [{ name: "hold", faults: [heldCart] }], checks: [checkout()] });
    await observing(execution.id);
    expect(await abortExecution(ctx, execution.id, { name: "Ada", userId: null, tokenId: null })).toBe("OBSERVING");
    const done = await waitForExecution(execution.id);
    expect({ state: done.state, reason: done.reason }).toEqual({ state: "ABORTED", reason: "aborted by Ada" });
    expect((await runsOf(execution.id)).map((r) => r.state)).toEqual(["ROLLED_BACK"]);
    expect(await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
    // A queued one ends at once, and an ended one stays as it is.
    expect(await abortExecution(ctx, execution.id)).toBe("ABORTED");
  });

  it("the team's halt-all stops its executions: STOPPED, halted by whom", async () => {
    const c = await fresh();
    const { execution } = await run(c, { stages: [{ name: "hold", faults: [heldCart] }], checks: [checkout()] });
    await observing(execution.id);
    await haltTeam(c.teamId, { name: "Grace", userId: null, tokenId: null });
    const done = await waitForExecution(execution.id);
    expect({ state: done.state, reason: done.reason }).toEqual({ state: "STOPPED", reason: "halted by Grace" });
    expect((await runsOf(execution.id)).map((r) => r.state)).toEqual(["ROLLED_BACK"]);
    expect(await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
  });

  it("past its maximum duration it is stopped and rolled back: STOPPED", async () => {
    const c = await fresh();
    const { execution } = await run(c, { stages: [{ name: "hold", faults: [heldCart] }], checks: [checkout()], maxDurationSeconds: 10 });
    const done = await waitForExecution(execution.id);
    expect({ state: done.state, reason: done.reason }).toEqual({ state: "STOPPED", reason: "stopped at its maximum duration of 10 s" });
    expect((await runsOf(execution.id)).map((r) => r.state)).toEqual(["ROLLED_BACK"]);
    expect(await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
  });

  it("a fault's duration ends it by the abort path and its rollback removes the fault; stages run in order", async () => {
    const c = await fresh();
    const { execution } = await run(c, {
      stages: [
        { name: "cart at one", faults: [{ ...heldCart, durationSeconds: 2 }] },
        { name: "kill a frontend pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=frontend", count: 1 } }] },
      ],
      checks: [checkout(), { ...cartAvailable, intervalSeconds: 1 }],
    });
    const done = await waitForExecution(execution.id);
    expect({ state: done.state, reason: done.reason }).toMatchObject({ state: "PASSED" });
    const runs = await runsOf(execution.id);
    expect(runs.map((r) => [r.stageIndex, r.state])).toEqual([
      [0, "ROLLED_BACK"],
      [1, "SUCCEEDED"],
    ]);
    expect(runs[1]!.queuedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.finishedAt!.getTime());
    const logs = await db.runLog.findMany({ where: { runId: runs[0]!.id }, select: { message: true } });
    expect(logs.map((l) => l.message)).toContain("abort requested: aborted by the end of its 2 s duration");
    expect(await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
  });

  it("refused with nothing written: a step that cannot be planned, a confirmation not typed, one already running", async () => {
    const c = await fresh({ confirmThreshold: 0 });
    const ctx = await contextOf(c);
    const bad = await saveExperiment(ctx, c, {
      stages: [{ name: "kill", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=nothing-here" } }] }],
      checks: [checkout()],
    });
    const plan = await planExperiment(ctx, { experimentId: bad.id });
    expect(plan.ready).toBe(false);
    expect(plan.stages[0]!.faults[0]).toMatchObject({ plan: null, refusal: { code: "empty-selection" } });
    expect(plan.problems[0]).toMatch(/^Stage 1 \(kill\), fault 1 \(.+\): /);
    expect(plan.checks[0]).toMatchObject({ name: "checkout", result: { outcome: "pass" }, access: { allowed: true } });
    const refused = await startExecution(ctx, bad.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunRefusedError);
    expect((refused as RunRefusedError).code).toBe("empty-selection");

    const good = await saveExperiment(ctx, c, { stages: [{ name: "hold", faults: [heldCart] }], checks: [checkout()] });
    const dry = await planExperiment(ctx, { experimentId: good.id });
    expect(dry).toMatchObject({ ready: true, problems: [] });
    expect(dry.confirmReason).toMatch(/^Stage 1 \(hold\), fault 1 .*threshold of 0/);
    const unconfirmed = await startExecution(ctx, good.id, { confirm: "hold" }).catch((e: unknown) => e);
    expect((unconfirmed as RunRefusedError).code).toBe("confirmation-required");
    expect(await db.experimentExecution.count({ where: { teamId: c.teamId } })).toBe(0);
    expect(await db.run.count({ where: { teamId: c.teamId } })).toBe(0);

    const execution = await startExecution(ctx, good.id, { confirm: good.name, planSeed: dry.planSeed });
    expect(execution).toMatchObject({ state: "QUEUED", planSeed: dry.planSeed, version: 1 });
    await expect(startExecution(ctx, good.id, { confirm: good.name })).rejects.toMatchObject({ code: "busy" });
    await abortExecution(ctx, execution.id);
    expect((await waitForExecution(execution.id)).state).toBe("ABORTED");
  });

  it("a step refused at its start (the team's run limit) ends it in error and rolls back what started", async () => {
    const c = await fresh({ maxConcurrentRuns: 1 });
    const { execution } = await run(c, {
      stages: [{ name: "two at once", faults: [heldCart, { actionId: "deployment-scale", params: { namespace: "shop", name: "recommendation", replicas: 1, durationSeconds: 120 } }] }],
      checks: [checkout()],
    });
    const done = await waitForExecution(execution.id);
    expect(done.state).toBe("ERROR");
    expect(done.reason).toMatch(/^Stage 1 \(two at once\), fault \d \(.+\) could not start: The team has 1 run in progress; its limit is 1/);
    const runs = await runsOf(execution.id);
    expect(runs).toHaveLength(1);
    expect(["ROLLED_BACK", "CANCELLED"]).toContain(runs[0]!.state);
    await eventually("cart restored", async () => (await c.apps.readNamespacedDeploymentScale({ name: "cart", namespace: "shop" })).spec?.replicas === 2);
    expect(await c.apps.readNamespacedDeploymentScale({ name: "recommendation", namespace: "shop" })).toMatchObject({ spec: { replicas: 2 } });
  });

  // The frames of an SSE stream until it closes: [id or null, event].
  async function frames(stream: ReadableStream<Uint8Array>): Promise<[string | null, ExecutionEvent][]> {
    let text = "";
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    return text
      .split("\n\n")
      .filter((f) => f.includes("data: "))
      .map((f) => [/^id: (.+)$/m.exec(f)?.[1] ?? null, JSON.parse(/^data: (.+)$/m.exec(f)![1]!) as ExecutionEvent]);
  }

  it("the live stream replays the journal with ids, follows to the verdict and closes; since skips what the caller has", async () => {
    const c = await fresh();
    const { execution } = await run(c, {
      stages: [{ name: "kill", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }], waitAfterSeconds: 2 }],
      checks: [checkout()],
    });
    const live = await frames(executionEventStream(c.teamId, execution.id));
    const states = live.filter(([, e]) => e.type === "state").map(([, e]) => (e as { state: string }).state);
    expect(states.at(-1)).toBe("PASSED");
    expect(states).toContain("OBSERVING");
    expect(live.some(([, e]) => e.type === "sample" && e.phase === "during")).toBe(true);
    expect(live.some(([, e]) => e.type === "fault" && e.status === "started")).toBe(true);

    const replay = await frames(executionEventStream(c.teamId, execution.id));
    const ids = replay.map(([id]) => id).filter((id): id is string => id !== null);
    expect(ids.length).toBeGreaterThan(3);
    const later = await frames(executionEventStream(c.teamId, execution.id, { since: ids[2] }));
    expect(later.filter(([id]) => id !== null).map(([id]) => id)).toEqual(ids.slice(3));
    expect(later.at(-1)![1]).toMatchObject({ type: "state", state: "PASSED", score: 100 });
    // Another team's id shows nothing; a caller who lost access is cut off.
    expect(await frames(executionEventStream("another-team", execution.id))).toEqual([]);
  });

  it("the live stream closes when the caller loses access", async () => {
    const c = await fresh();
    const { ctx, execution } = await run(c, { stages: [{ name: "hold", faults: [heldCart] }], checks: [checkout()] });
    await waitForExecution(execution.id, ["OBSERVING"]);
    let allowed = true;
    const reading = frames(executionEventStream(c.teamId, execution.id, { stillAllowed: async () => allowed, accessCheckMs: 100 }));
    allowed = false;
    const seen = await reading;
    expect(seen.some(([, e]) => e.type === "state" && e.state === "OBSERVING")).toBe(true);
    expect(seen.some(([, e]) => e.type === "state" && ["ABORTED", "PASSED"].includes(e.state))).toBe(false);
    await abortExecution(ctx, execution.id);
    expect((await waitForExecution(execution.id)).state).toBe("ABORTED");
  });

  it("an execution whose stored definition cannot be read is taken over once and ended in error, saying why", async () => {
    const c = await fresh();
    const ctx = await contextOf(c);
    const experiment = await saveExperiment(ctx, c, { stages: [{ name: "hold", faults: [heldCart] }], checks: [checkout()] });
    const row = await db.experimentExecution.create({
      data: { teamId: c.teamId, experimentId: experiment.id, version: 1, clusterId: c.clusterId, definition: { stages: "not a list" }, state: "OBSERVING", workerId: "gone", heartbeatAt: new Date(0), startedAt: new Date() },
    });
    const done = await waitForExecution(row.id);
    expect(done.state).toBe("ERROR");
    expect(done.reason).toContain("its stored definition could not be read (stages:");
    expect(done.finishedAt).not.toBeNull();
    // Ended for good: later sweeps leave it alone.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await db.experimentExecution.findUniqueOrThrow({ where: { id: row.id }, select: { state: true, attempt: true } })).toEqual({ state: "ERROR", attempt: done.attempt });
  });
});
