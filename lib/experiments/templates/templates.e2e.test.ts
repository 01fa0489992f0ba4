import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Every template of the library, with its default parameters (timings shortened), against a
// fresh demo shop each, all at once: each must give the verdict it documents. The worker here
// takes work from a queue of this file's own, so it never takes other files' executions.
process.env.PYSTOL_QUEUE_PREFIX = `${process.env.PYSTOL_QUEUE_PREFIX ?? "pystol-test"}-templates`;
Object.assign(process.env, {
  RUN_HEARTBEAT_MS: "200",
  RUN_STALE_MS: "4000",
  RUN_SWEEP_MS: "500",
  EXPERIMENT_HEARTBEAT_MS: "200",
  EXPERIMENT_STALE_MS: "4000",
  EXPERIMENT_SWEEP_MS: "500",
  EXPERIMENT_POLL_MS: "200",
});

// Imported after the prefix is set: the environment is read once, at first use.
const { db } = await import("@/lib/db");
const { createTestCluster } = await import("@/lib/runs/testing/harness");
const { PERMANENT_STATES } = await import("@/lib/runs/run-states");
const { createExperiment, startExecution } = await import("../index");
const { contextOf, startExperimentStack, waitForExecution } = await import("../testing/harness");
const { TEMPLATES, buildFromTemplate, templateFields } = await import("./index");

/** Shorter than a person would choose, the same outcome: faults held a few seconds, checks every second. */
const QUICK: Record<string, string> = {
  checkIntervalSeconds: "1",
  durationSeconds: "15",
  cordonSeconds: "8",
  secondsBetweenRounds: "2",
  evictionTimeoutSeconds: "15",
  recoveryWindowSeconds: "30",
  maxDurationSeconds: "300",
};

let stack: Awaited<ReturnType<typeof startExperimentStack>>;
beforeAll(async () => {
  stack = await startExperimentStack("templates");
});
afterAll(() => stack?.close());

describe("the template library against the demo shop", { timeout: 300_000 }, () => {
  it("has at least ten templates, each with its explanation and a definition that validates with its defaults", () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(10);
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
    for (const t of TEMPLATES) {
      expect(t.teaches.length, t.id).toBeGreaterThan(80);
      expect(t.demo.why.length, t.id).toBeGreaterThan(20);
      const built = buildFromTemplate(t, {});
      expect(built, t.id).toMatchObject({ ok: true });
    }
  });

  it("refuses parameters with a sentence per field", () => {
    const t = TEMPLATES.find((x) => x.id === "replica-lost")!;
    const built = buildFromTemplate(t, { namespace: "Shop!", replicas: "two", maxLatencyMs: "5", entryPath: "checkout" });
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.fieldErrors.namespace?.[0]).toMatch(/namespace name/);
    expect(built.fieldErrors.replicas?.[0]).toBe("Replicas it should have again is a whole number.");
    expect(built.fieldErrors.maxLatencyMs?.[0]).toBe("Slowest acceptable answer (ms) is at least 10.");
    expect(built.fieldErrors.entryPath?.[0]).toMatch(/starts with \//);
    const drain = TEMPLATES.find((x) => x.id === "rolling-node-drain")!;
    const nodes = buildFromTemplate(drain, { nodes: "a-1, a-1" });
    expect(nodes).toMatchObject({ ok: false, fieldErrors: { nodes: ["Nodes, in order: each node once."] } });
  });

  it("every template gives its documented verdict", async () => {
    // Clusters at once; the executions started one after another (each start plans every fault
    // against its cluster, and eleven plans at the same moment would only queue on the CPU);
    // then all of them run together.
    const clusters = await Promise.all(TEMPLATES.map(() => createTestCluster(stack.sandbox)));
    const started: { id: string; executionId: string }[] = [];
    for (const [i, t] of TEMPLATES.entries()) {
      const c = clusters[i]!;
      const ctx = await contextOf(c);
      const values = Object.fromEntries(templateFields(t).filter((f) => QUICK[f.key] !== undefined).map((f) => [f.key, QUICK[f.key]!]));
      const built = buildFromTemplate(t, values);
      if (!built.ok) throw new Error(`${t.id}: ${JSON.stringify(built.fieldErrors)}`);
      const experiment = await createExperiment(ctx, { name: built.name, clusterId: c.clusterId, definition: built.definition });
      started.push({ id: t.id, executionId: (await startExecution(ctx, experiment.id, { confirm: experiment.name })).id });
    }
    const outcomes = await Promise.all(
      started.map(async ({ id, executionId }) => {
        const done = await waitForExecution(executionId, undefined, 240_000);
        const runs = await db.run.findMany({ where: { executionId }, select: { state: true } });
        return { id, verdict: done.state, reason: done.reason, faultsEnded: runs.every((r) => (PERMANENT_STATES as readonly string[]).includes(r.state)) };
      }),
    );
    for (const o of outcomes) console.log(`${o.id}: ${o.verdict} — ${o.reason}`);
    expect(outcomes.map((o) => ({ id: o.id, verdict: o.verdict, faultsEnded: o.faultsEnded }))).toEqual(
      TEMPLATES.map((t) => ({ id: t.id, verdict: t.demo.verdict, faultsEnded: true })),
    );
    // The drain held by checkout's budget ends in error, naming the pod and why (not "passed").
    expect(outcomes.find((o) => o.id === "node-lost")?.reason).toMatch(/drain general-c-1\) failed: .*shop\/checkout-.*held by a PodDisruptionBudget/);
  });
});
