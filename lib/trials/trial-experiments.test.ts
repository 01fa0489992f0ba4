import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAction, RunAbortedError, type ActionContext, type Undo } from "@/lib/actions";
import { evaluateCheck, type CheckDefinition } from "@/lib/checks";
import { parseDefinition, type ExperimentDefinition } from "@/lib/experiments";
import { createKubeClient, type KubeClient } from "@/lib/kube";
import { startHarness, type Harness } from "@/lib/sandbox/conformance/harness";
import { CART_POD_EXPERIMENT, TRIAL_EXPERIMENTS, ZONE_EXPERIMENT } from "./trial-experiments";

// The trial's two experiments against the demo shop's application model: the fault steps are the
// catalogue's own actions (plan and execute, their undo records rolled back), the checks are
// evaluated on the definitions' own schedule, as the engine does. The first one must pass, the
// second one's stop condition must trip, and after the rollback the after-checks pass again.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function definitionOf(name: string): ExperimentDefinition {
  const e = TRIAL_EXPERIMENTS.find((x) => x.name === name)!;
  const r = parseDefinition(e.definition);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.definition;
}

async function demoClient(): Promise<KubeClient> {
  const c = await h.newCluster("demo");
  return createKubeClient({ kind: "sandbox", server: c.server, caPem: h.server.caPem, token: c.token });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a stage's faults as runs would (plan, execute), keeping their undo records. */
function startFaults(kube: KubeClient, def: ExperimentDefinition, signal: AbortSignal) {
  const undos: { actionId: string; undo: Undo }[] = [];
  const done = Promise.allSettled(
    def.stages[0]!.faults.map(async (f) => {
      const action = getAction(f.actionId)!;
      const params = action.params.parse(f.params);
      const protectedNamespaces = new Set(["kube-system"]);
      const plan = await action.plan({ kube, protectedNamespaces, planId: "trial" }, params);
      const ctx: ActionContext = {
        kube,
        protectedNamespaces,
        runId: `run-${f.actionId}`,
        signal,
        log: () => {},
        progress: () => {},
        async step(_name, _target, fn, opts) {
          if (opts?.undo) undos.push({ actionId: f.actionId, undo: opts.undo });
          return fn(signal);
        },
        async sleep(ms) {
          const until = Date.now() + ms;
          while (Date.now() < until) {
            if (signal.aborted) throw new RunAbortedError();
            await sleep(Math.min(200, until - Date.now()));
          }
        },
      };
      return action.execute(ctx, params, plan);
    }),
  );
  const rollback = async () => {
    for (const { actionId, undo } of [...undos].reverse()) await getAction(actionId)!.rollback(kube, undo);
  };
  return { done, rollback };
}

/** Evaluates a during-check every intervalSeconds until it trips (more failures than tolerated) or `until` resolves. */
async function observe(kube: KubeClient, check: ExperimentDefinition["checks"][number], until: Promise<unknown>, maxEvaluations: number) {
  let finished = false;
  void until.then(() => (finished = true));
  const outcomes: string[] = [];
  const allowed = "failures" in check.tolerance ? check.tolerance.failures : 0;
  while (!finished && outcomes.length < maxEvaluations) {
    const r = await evaluateCheck({ client: kube }, check as CheckDefinition);
    outcomes.push(`${r.outcome}: ${r.observed}`);
    if (outcomes.filter((o) => !o.startsWith("pass")).length > allowed) return { tripped: true, outcomes };
    await sleep(check.intervalSeconds * 1000);
  }
  return { tripped: false, outcomes };
}

async function passesWithin(kube: KubeClient, check: ExperimentDefinition["checks"][number], seconds: number) {
  const until = Date.now() + seconds * 1000;
  let last = "";
  while (Date.now() < until) {
    const r = await evaluateCheck({ client: kube }, check as CheckDefinition);
    if (r.outcome === "pass") return "pass";
    last = r.observed;
    await sleep(500);
  }
  return last;
}

describe("the trial's experiments on the demo shop", () => {
  it("are valid definitions with at most two during-checks every 2 s or slower", () => {
    for (const e of TRIAL_EXPERIMENTS) {
      const def = definitionOf(e.name);
      const during = def.checks.filter((c) => c.mode === "during");
      expect(during.length).toBeGreaterThan(0);
      expect(during.length).toBeLessThanOrEqual(2);
      for (const c of during) expect(c.intervalSeconds).toBeGreaterThanOrEqual(2);
    }
  });

  it(`"${CART_POD_EXPERIMENT}" passes: its during-check does not trip while cart pods are killed, and cart is back after`, async () => {
    const kube = await demoClient();
    const def = definitionOf(CART_POD_EXPERIMENT);
    for (const c of def.checks.filter((c) => c.mode.startsWith("before"))) expect(await passesWithin(kube, c, 5)).toBe("pass");
    const abort = new AbortController();
    const faults = startFaults(kube, def, abort.signal);
    const during = def.checks.find((c) => c.mode === "during")!;
    const watched = await observe(kube, during, faults.done, 30);
    const results = await faults.done;
    expect(results.map((r) => r.status)).toEqual(["fulfilled"]);
    expect(watched.tripped, watched.outcomes.join("\n")).toBe(false);
    expect(watched.outcomes.length).toBeGreaterThanOrEqual(5);
    await faults.rollback();
    for (const c of def.checks.filter((c) => c.mode === "after" || c.mode === "before-and-after")) {
      expect(await passesWithin(kube, c, def.recoveryWindowSeconds)).toBe("pass");
    }
    kube.close();
  }, 120_000);

  it(`"${ZONE_EXPERIMENT}" trips checkout's stop condition; after the rollback the shop is whole again`, async () => {
    const kube = await demoClient();
    const def = definitionOf(ZONE_EXPERIMENT);
    for (const c of def.checks.filter((c) => c.mode.startsWith("before"))) expect(await passesWithin(kube, c, 5)).toBe("pass");
    const abort = new AbortController();
    const faults = startFaults(kube, def, abort.signal);
    const during = def.checks.find((c) => c.mode === "during")!;
    // The faults stay active for their duration (120 s); the check must trip long before.
    const watched = await observe(kube, during, new Promise(() => {}), 15);
    expect(watched.tripped, watched.outcomes.join("\n")).toBe(true);
    expect(watched.outcomes.at(-1)).toMatch(/^fail: frontend answered (502|503)|^fail: .* expected at most 300 ms/);
    // The stop condition: abort the faults and roll back every undo they recorded.
    abort.abort();
    await faults.done;
    await faults.rollback();
    const nodes = (await kube.core.listNode()).items;
    expect(nodes.filter((n) => n.spec?.unschedulable).map((n) => n.metadata?.name)).toEqual([]);
    for (const c of def.checks.filter((c) => c.mode === "after" || c.mode === "before-and-after")) {
      expect(await passesWithin(kube, c, def.recoveryWindowSeconds)).toBe("pass");
    }
    kube.close();
  }, 120_000);
});
