import { describe, expect, it } from "vitest";
import type { CheckOutcome } from "@/lib/checks";
import { parseDefinition, type ExecutionDetail, type ExperimentDefinition } from "@/lib/experiments";
import { diffExecutions } from "./diff";

const definitionOf = (input: unknown): ExperimentDefinition => {
  const r = parseDefinition(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.definition;
};

const v1 = definitionOf({
  stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
  checks: [
    { name: "latency", type: "http", mode: "during", target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/" }, expect: { maxLatencyMs: 300 } },
    { name: "cart up", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 1 } },
  ],
});

type Outcomes = { before?: CheckOutcome; during?: CheckOutcome[]; after?: CheckOutcome };

/** An execution as getExecutionDetail gives it, with these outcomes per check name. */
function execution(id: string, at: number, opts: { version?: number; definition?: ExperimentDefinition; state?: ExecutionDetail["state"]; score?: number | null; tookMs?: number; checks: Record<string, Outcomes> }): ExecutionDetail {
  const definition = opts.definition ?? v1;
  const started = new Date(at);
  return {
    id,
    teamId: "t",
    experiment: { id: "x", name: "cart" },
    version: opts.version ?? 1,
    definition,
    cluster: { id: "c", name: "c", kind: "SANDBOX" as ExecutionDetail["cluster"]["kind"] },
    state: opts.state ?? "PASSED",
    reason: null,
    score: opts.score === undefined ? 100 : opts.score,
    trippedBy: null,
    abortedBy: null,
    stageIndex: null,
    createdBy: null,
    queuedAt: started,
    startedAt: started,
    faultsEndedAt: null,
    finishedAt: opts.tookMs === undefined ? null : new Date(at + opts.tookMs),
    stages: [],
    checks: definition.checks.map((c, index) => {
      const o = opts.checks[c.name] ?? {};
      const samples = [
        ...(o.before ? [{ phase: "before" as const, outcome: o.before }] : []),
        ...(o.during ?? []).map((outcome) => ({ phase: "during" as const, outcome })),
        ...(o.after ? [{ phase: "after" as const, outcome: o.after }] : []),
      ].map((s) => ({ ...s, at: started, value: null, observed: "", durationMs: 1 }));
      const duringFailed = (o.during ?? []).some((x) => x !== "pass");
      return {
        index,
        name: c.name,
        type: c.type,
        mode: c.mode,
        intervalSeconds: c.intervalSeconds,
        tolerance: c.tolerance,
        stopOnTrip: c.stopOnTrip,
        threshold: null,
        samples,
        outcome: { before: o.before ?? null, during: o.during?.length ? (duringFailed ? "fail" : "pass") : null, after: o.after ?? null },
        tripped: duringFailed,
      };
    }),
  };
}

describe("the difference between two executions", () => {
  const older = execution("a", 1_000, { state: "FAILED", score: 50, tookMs: 90_000, checks: { latency: { during: ["pass", "fail", "fail", "pass"] }, "cart up": { before: "pass", after: "fail" } } });
  const newer = execution("b", 2_000_000, { state: "PASSED", score: 100, tookMs: 60_000, checks: { latency: { during: ["pass", "pass"] }, "cart up": { before: "pass", after: "pass" } } });

  it("names the checks whose outcome changed, per phase, and which way", () => {
    const d = diffExecutions(older, newer);
    const latency = d.checks.find((c) => c.name === "latency")!;
    expect(latency.status).toBe("changed");
    expect(latency.phases.during).toEqual({ from: "fail", to: "pass", changed: true });
    expect(latency.phases.before).toEqual({ from: null, to: null, changed: false });
    expect(latency.duringPassShare).toEqual({ from: 0.5, to: 1 });
    expect(latency.direction).toBe("better");
    const cart = d.checks.find((c) => c.name === "cart up")!;
    expect(cart.phases.before.changed).toBe(false);
    expect(cart.phases.after).toEqual({ from: "fail", to: "pass", changed: true });
    expect(cart.direction).toBe("better");
  });

  it("gives the score and duration changes and the verdicts, the older execution first whatever the order given", () => {
    const d = diffExecutions(newer, older);
    expect(d.from.id).toBe("a");
    expect(d.to.id).toBe("b");
    expect(d.verdictChanged).toBe(true);
    expect(d.scoreChange).toBe(50);
    expect(d.durationChangeMs).toBe(-30_000);
    expect(d.versionChanges).toEqual([]);
    const back = diffExecutions(execution("c", 3_000_000, { state: "FAILED", score: 40, tookMs: 70_000, checks: { latency: { during: ["fail"] }, "cart up": { before: "pass", after: "pass" } } }), newer);
    expect(back.checks.find((c) => c.name === "latency")!.direction).toBe("worse");
    expect(back.scoreChange).toBe(-60);
  });

  it("says nothing changed when every outcome is the same, and has no score change without a score", () => {
    const same = diffExecutions(newer, execution("d", 3_000_000, { score: null, checks: { latency: { during: ["pass"] }, "cart up": { before: "pass", after: "pass" } } }));
    expect(same.checks.every((c) => c.status === "same" && c.direction === "none")).toBe(true);
    expect(same.scoreChange).toBeNull();
    expect(same.durationChangeMs).toBeNull();
    expect(same.verdictChanged).toBe(false);
  });

  it("notes what changed between the versions: checks added, removed or changed, stages changed", () => {
    const v2 = definitionOf({
      stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 2 } }] }],
      recoveryWindowSeconds: 120,
      checks: [
        { name: "latency", type: "http", mode: "during", target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/" }, expect: { maxLatencyMs: 500 } },
        { name: "no crash loops", type: "kubernetes", check: { condition: "no-crash-loop", namespace: "shop", selector: "app=cart" } },
      ],
    });
    const d = diffExecutions(older, execution("e", 3_000_000, { version: 2, definition: v2, checks: { latency: { during: ["pass"] }, "no crash loops": { before: "pass", after: "pass" } } }));
    expect(d.from.version).toBe(1);
    expect(d.to.version).toBe(2);
    expect(d.versionChanges).toEqual([
      'Check "no crash loops" added.',
      'Check "cart up" removed.',
      'Check "latency" changed.',
      'Stage 1 "lose a cart pod" changed (its faults, their parameters or its wait).',
      "Recovery window 60 s → 120 s.",
    ]);
    expect(d.checks.find((c) => c.name === "no crash loops")!.status).toBe("added");
    expect(d.checks.find((c) => c.name === "cart up")!.status).toBe("removed");
  });
});
