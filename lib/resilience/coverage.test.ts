import { describe, expect, it } from "vitest";
import { parseDefinition, type ExperimentDefinition } from "@/lib/experiments";
import { computeCoverage, type CoverageService, type CoverageWorkload } from "./coverage";

const definitionOf = (input: unknown): ExperimentDefinition => {
  const r = parseDefinition(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.definition;
};

const w = (namespace: string, name: string, labels: Record<string, string>, nodes = ["node-1"], kind = "Deployment"): CoverageWorkload => ({ namespace, kind, name, labels, nodes });

const workloads: CoverageWorkload[] = [
  w("shop", "cart", { app: "cart", tier: "backend" }),
  w("shop", "frontend", { app: "frontend" }),
  w("shop", "checkout", { app: "checkout", tier: "backend" }, ["node-2"]),
  w("shop", "redis", { app: "redis" }, ["node-3"], "StatefulSet"),
  w("billing", "invoices", { app: "invoices" }, ["node-3"]),
  w("kube-system", "coredns", { "k8s-app": "kube-dns" }),
];
const services: CoverageService[] = [
  { namespace: "shop", name: "web", selector: { app: "frontend" } },
  { namespace: "shop", name: "headless", selector: null },
];
const exp = (id: string, definition: unknown) => ({ id, name: id, clusterId: "c", definition: definitionOf(definition) });
const during = { kind: "service", namespace: "shop", service: "web", port: "http", path: "/" };

describe("coverage of workloads by experiments", () => {
  it("a fault's namespace and label selector cover the workloads whose pods it selects; system namespaces are left out", () => {
    const c = computeCoverage(workloads, services, [
      exp("kill backends", {
        stages: [{ name: "s", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "tier in (backend)" } }] }],
        checks: [{ name: "nodes", type: "kubernetes", check: { condition: "nodes-ready", minReady: 1 } }],
      }),
    ]);
    const covered = c.workloads.filter((x) => x.coveredBy.length > 0).map((x) => x.name);
    expect(covered).toEqual(["cart", "checkout"]);
    expect(c.workloads.find((x) => x.name === "cart")!.coveredBy).toEqual([{ experimentId: "kill backends", experimentName: "kill backends", via: "fault: pod-kill" }]);
    expect(c.workloads.some((x) => x.namespace === "kube-system")).toBe(false);
    expect(c.total).toBe(5);
    expect(c.covered).toBe(2);
    expect(c.namespaces).toEqual([
      { namespace: "billing", workloads: 1, covered: 0 },
      { namespace: "shop", workloads: 4, covered: 2 },
    ]);
  });

  it("checks cover what they watch: a workload check, a selector check, an HTTP check through a service's selector, an object-field check", () => {
    const c = computeCoverage(workloads, services, [
      exp("watchers", {
        stages: [{ name: "s", faults: [{ actionId: "node-cordon", params: { nodeName: "node-3" } }] }],
        checks: [
          { name: "checkout up", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "checkout", minAvailable: 1 } },
          { name: "web fast", type: "http", mode: "during", target: during, expect: { maxLatencyMs: 300 } },
          { name: "no loops", type: "kubernetes", check: { condition: "no-crash-loop", namespace: "shop", selector: "app=cart" } },
        ],
      }),
    ]);
    const by = (name: string) => c.workloads.find((x) => x.name === name)!.coveredBy.map((b) => b.via);
    expect(by("checkout")).toEqual(["check: checkout up"]);
    expect(by("frontend")).toEqual(["check: web fast"]);
    expect(by("cart")).toEqual(["check: no loops"]);
    // The cordoned node holds redis and invoices.
    expect(by("redis")).toEqual(["fault: node-cordon"]);
    expect(by("invoices")).toEqual(["fault: node-cordon"]);
    expect(c.covered).toBe(5);
  });

  it("a deployment scaled down covers that deployment only; a URL check and a service without selector cover nothing", () => {
    const c = computeCoverage(workloads, services, [
      exp("scale", {
        stages: [{ name: "s", faults: [{ name: "cart to zero", actionId: "deployment-scale", params: { namespace: "shop", name: "cart", replicas: 0 } }] }],
        checks: [
          { name: "site", type: "http", target: { kind: "url", url: "https://example.com/" }, expect: { status: ["200"] } },
          { name: "headless", type: "http", target: { ...during, service: "headless" }, expect: { status: ["200"] } },
        ],
      }),
    ]);
    expect(c.workloads.filter((x) => x.coveredBy.length).map((x) => [x.name, x.coveredBy[0]!.via])).toEqual([["cart", "fault: cart to zero"]]);
  });

  it("a selector that does not parse covers nothing rather than failing the page", () => {
    const bad = exp("bad", {
      stages: [{ name: "s", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart" } }] }],
      checks: [{ name: "nodes", type: "kubernetes", check: { condition: "nodes-ready", minReady: 1 } }],
    });
    bad.definition.stages[0]!.faults[0]!.params = { namespace: "shop", labelSelector: "app in (" };
    expect(computeCoverage(workloads, services, [bad]).covered).toBe(0);
    expect(computeCoverage([], [], [bad])).toEqual({ workloads: [], namespaces: [], covered: 0, total: 0 });
  });
});
