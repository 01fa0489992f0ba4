import { describe, expect, it } from "vitest";
import { parseDefinition } from "./definition";
import { checkThreshold, hasTripped, resilienceScore } from "./judge";

const checksOf = (checks: unknown[]) => {
  const r = parseDefinition({ stages: [{ name: "s", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart" } }] }], checks });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.definition.checks;
};

describe("judging an execution", () => {
  it("a count tolerance trips at the failure past it; a percent tolerance from the third evaluation", () => {
    expect(hasTripped({ failures: 0 }, 1, 1)).toBe(true);
    expect(hasTripped({ failures: 1 }, 5, 1)).toBe(false);
    expect(hasTripped({ failures: 1 }, 5, 2)).toBe(true);
    expect(hasTripped({ percent: 20 }, 2, 2)).toBe(false);
    expect(hasTripped({ percent: 20 }, 5, 1)).toBe(false);
    expect(hasTripped({ percent: 20 }, 4, 1)).toBe(true);
  });

  it("the score is the mean of each check's share of passed evaluations, capped when a stop condition tripped", () => {
    const both = { before: "pass" as const, during: [], after: "pass" as const };
    const during = { before: null, during: [...Array(9).fill("pass"), "fail"], after: null };
    expect(resilienceScore([both, during], false)).toBe(95);
    expect(resilienceScore([both, during], true)).toBe(50);
    expect(resilienceScore([{ before: "pass", during: [], after: "fail" }], false)).toBe(50);
    expect(resilienceScore([{ before: "fail", during: [], after: null }, { before: null, during: [], after: null }], false)).toBe(0);
    expect(resilienceScore([{ before: null, during: [], after: null }], false)).toBeNull();
    expect(resilienceScore([{ before: "error", during: ["pass", "error"], after: "pass" }], false)).toBe(50);
  });

  it("the line a chart draws for each kind of check", () => {
    const [latency, status, workload, pods, crash, nodes, field, text, prom] = checksOf([
      { name: "latency", type: "http", target: { kind: "url", url: "https://example.com" }, expect: { maxLatencyMs: 300 } },
      { name: "status", type: "http", target: { kind: "url", url: "https://example.com" } },
      { name: "workload", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 2 } },
      { name: "pods", type: "kubernetes", check: { condition: "pods-ready", namespace: "shop", selector: "app=cart", minReadyPercent: 50 } },
      { name: "crash", type: "kubernetes", check: { condition: "no-crash-loop", namespace: "shop", selector: "app=cart" } },
      { name: "nodes", type: "kubernetes", check: { condition: "nodes-ready", minReady: 3 } },
      { name: "field", type: "kubernetes", check: { condition: "object-field", apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "cart", field: ".status.readyReplicas", op: ">", value: 1 } },
      { name: "text", type: "kubernetes", check: { condition: "object-field", apiVersion: "v1", kind: "Namespace", name: "shop", field: ".status.phase", op: "==", value: "Active" } },
      { name: "prom", type: "prometheus", query: "up", op: "<", threshold: 0.5 },
    ]);
    expect(checkThreshold(latency!)).toEqual({ value: 300, op: "<=", unit: "ms" });
    expect(checkThreshold(status!)).toBeNull();
    expect(checkThreshold(workload!)).toEqual({ value: 2, op: ">=", unit: "replicas" });
    expect(checkThreshold(pods!)).toEqual({ value: 50, op: ">=", unit: "%" });
    expect(checkThreshold(crash!)).toEqual({ value: 0, op: "<=", unit: "containers" });
    expect(checkThreshold(nodes!)).toEqual({ value: 3, op: ">=", unit: "nodes" });
    expect(checkThreshold(field!)).toEqual({ value: 1, op: ">", unit: "" });
    expect(checkThreshold(text!)).toBeNull();
    expect(checkThreshold(prom!)).toEqual({ value: 0.5, op: "<", unit: "" });
  });
});
