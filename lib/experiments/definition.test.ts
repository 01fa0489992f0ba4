import { describe, expect, it } from "vitest";
import { parseDefinition } from "./definition";

const good = {
  stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
  checks: [
    { name: "checkout latency", type: "http", mode: "during", intervalSeconds: 2, target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" }, expect: { maxLatencyMs: 300 } },
    { name: "cart replicas", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 1 } },
  ],
};

describe("experiment definitions", () => {
  it("accepts a definition and fills the defaults", () => {
    const r = parseDefinition(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.definition.recoveryWindowSeconds).toBe(60);
    expect(r.definition.stages[0]!.waitAfterSeconds).toBe(0);
    expect(r.definition.checks[1]!.mode).toBe("before-and-after");
    expect(r.definition.checks[0]!.tolerance).toEqual({ failures: 0 });
    expect(r.definition.checks[0]!.stopOnTrip).toBe(true);
  });

  it("refuses an unknown action and bad parameters with sentences naming the field", () => {
    const r = parseDefinition({
      ...good,
      stages: [{ name: "s", faults: [{ actionId: "nope", params: {} }, { actionId: "pod-kill", params: { namespace: "Shop!" } }] }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual({ path: "stages.0.faults.0.actionId", message: "There is no action nope; see the action catalogue." });
    const params = r.errors.find((e) => e.path === "stages.0.faults.1.params");
    expect(params?.message).toMatch(/^Kill pods: .*namespace/i);
  });

  it("refuses a definition without checks, duplicate check names and unknown keys", () => {
    const none = parseDefinition({ ...good, checks: [] });
    expect(!none.ok && none.errors[0]!.message).toBe("An experiment states its steady state: add at least one check.");
    const dup = parseDefinition({ ...good, checks: [good.checks[1], { ...good.checks[1], name: "Cart replicas" }] });
    expect(!dup.ok && dup.errors[0]!.message).toBe('Two checks are named "Cart replicas"; give each its own name.');
    const extra = parseDefinition({ ...good, foo: 1 });
    expect(!extra.ok && extra.errors[0]!.message).toMatch(/remove foo/);
  });
});
