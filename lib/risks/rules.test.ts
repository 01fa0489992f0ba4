import { describe, expect, it } from "vitest";
import { TEMPLATES, buildFromTemplate, getTemplate } from "@/lib/experiments/templates";
import { allowedDisruptions, detectRisks, selects, type RiskInput } from "./index";
import type { HpaJson, PdbJson, WorkloadJson } from "./types";

// Each rule on crafted objects: what it flags, what it leaves alone, and that its suggested
// template builds with the parameters it fills.

const probe = { httpGet: { path: "/readyz", port: 8080 } };
const requests = { requests: { cpu: "100m", memory: "128Mi" } };

function deployment(name: string, replicas: number, extra: { ns?: string; probe?: boolean; requests?: boolean; kind?: string } = {}): WorkloadJson {
  return {
    metadata: { name, namespace: extra.ns ?? "shop" },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: "web" } },
        spec: { containers: [{ name: "main", ...(extra.probe === false ? {} : { readinessProbe: probe }), ...(extra.requests === false ? {} : { resources: requests }) }] },
      },
    },
  };
}

const pdb = (name: string, spec: PdbJson["spec"], ns = "shop"): PdbJson => ({ metadata: { name, namespace: ns }, spec });
const hpa = (name: string, target: string, minReplicas?: number): HpaJson => ({ metadata: { name, namespace: "shop" }, spec: { scaleTargetRef: { kind: "Deployment", name: target }, ...(minReplicas === undefined ? {} : { minReplicas }), maxReplicas: 10 } });

const zones = { "n-a1": "zone-a", "n-a2": "zone-a", "n-b1": "zone-b", "n-c1": "zone-c" };

function input(over: Partial<RiskInput>): RiskInput {
  return { deployments: [], statefulSets: [], pdbs: [], hpas: [], nodeZones: zones, placement: {}, ...over };
}

/** A healthy workload: three replicas over three zones, a budget allowing one, probes and requests. */
const healthy = () =>
  input({
    deployments: [deployment("web", 3)],
    pdbs: [pdb("web", { selector: { matchLabels: { app: "web" } }, maxUnavailable: 1 })],
    placement: { "shop/Deployment/web": { "n-a1": 1, "n-b1": 1, "n-c1": 1 } },
  });

const rules = (i: RiskInput) => detectRisks(i).map((r) => `${r.rule} ${r.namespace}/${r.objects.map((o) => `${o.kind}:${o.name}`).join("+")}`);

describe("detected risks", () => {
  it("a healthy workload has none; nor does one scaled to zero", () => {
    expect(detectRisks(healthy())).toEqual([]);
    expect(detectRisks(input({ deployments: [deployment("off", 0, { probe: false, requests: false })] }))).toEqual([]);
  });

  it("single replica", () => {
    const risks = detectRisks(input({ deployments: [deployment("solo", 1)], placement: { "shop/Deployment/solo": { "n-a1": 1 } } }));
    expect(risks).toHaveLength(1);
    expect(risks[0]).toMatchObject({ rule: "single-replica", severity: "high", title: "shop/solo runs one replica", suggestion: { templateId: "dependency-to-zero", params: { namespace: "shop", deployment: "solo", replicas: 1 } } });
  });

  it("no PodDisruptionBudget, and a budget in another namespace or for other pods does not count", () => {
    const i = healthy();
    i.pdbs = [pdb("web", { selector: { matchLabels: { app: "web" } }, maxUnavailable: 1 }, "other"), pdb("api", { selector: { matchLabels: { app: "api" } }, maxUnavailable: 1 })];
    expect(rules(i)).toEqual(["no-pdb shop/Deployment:web"]);
    expect(detectRisks(i)[0]!.suggestion).toEqual({ templateId: "node-lost", label: expect.any(String), params: { nodeName: "n-a1", podNamespace: "shop", podSelector: "app=web" } });
  });

  it("a budget that allows no disruption: minAvailable = replicas, 100 %, maxUnavailable 0 or 0 %", () => {
    for (const spec of [{ minAvailable: 3 }, { minAvailable: 5 }, { minAvailable: "100%" }, { maxUnavailable: 0 }, { maxUnavailable: "0%" }]) {
      const i = healthy();
      i.pdbs = [pdb("strict", { selector: { matchLabels: { app: "web" } }, ...spec })];
      expect(rules(i), JSON.stringify(spec)).toEqual(["pdb-blocks-drain shop/Deployment:web+PodDisruptionBudget:strict"]);
    }
    for (const spec of [{ minAvailable: 2 }, { minAvailable: "50%" }, { maxUnavailable: 1 }, { maxUnavailable: "10%" }, {}]) {
      const i = healthy();
      i.pdbs = [pdb("fine", { selector: { matchLabels: { app: "web" } }, ...spec })];
      expect(rules(i), JSON.stringify(spec)).toEqual([]);
    }
    expect(allowedDisruptions(pdb("x", { maxUnavailable: "10%" }), 3)).toBe(1);
    expect(allowedDisruptions(pdb("x", { minAvailable: "50%" }), 3)).toBe(1);
  });

  it("all replicas on one node; all in one zone of several", () => {
    const i = healthy();
    i.placement = { "shop/Deployment/web": { "n-a1": 3 } };
    expect(rules(i)).toEqual(["one-node shop/Deployment:web+Node:n-a1"]);
    i.placement = { "shop/Deployment/web": { "n-a1": 2, "n-a2": 1 } };
    expect(rules(i)).toEqual(["one-zone shop/Deployment:web+Zone:zone-a"]);
    expect(detectRisks(i)[0]!.suggestion).toMatchObject({ templateId: "zone-lost", params: { zone: "zone-a" } });
    // A cluster of one zone: nothing to spread over.
    expect(rules({ ...i, nodeZones: { "n-a1": "zone-a", "n-a2": "zone-a" } })).toEqual([]);
  });

  it("containers without readiness probes or without requests", () => {
    const i = healthy();
    i.deployments = [deployment("web", 3, { probe: false, requests: false })];
    const risks = detectRisks(i);
    expect(risks.map((r) => [r.rule, r.severity, r.title])).toEqual([
      ["no-readiness-probe", "medium", "shop/web: main has no readiness probe"],
      ["no-requests", "low", "shop/web: main has no CPU or memory request"],
    ]);
    expect(risks[0]!.suggestion).toMatchObject({ templateId: "pod-kill-rounds", params: { deployment: "web", replicas: 3 } });
    expect(risks[1]!.suggestion).toMatchObject({ templateId: "node-cordoned", params: { deployment: "web" } });
  });

  it("StatefulSets are read too, and their pod loss is the database template", () => {
    const risks = detectRisks(input({ statefulSets: [deployment("db", 2, { probe: false })], pdbs: [pdb("db", { selector: { matchLabels: { app: "db" } }, minAvailable: 1 })], placement: { "shop/StatefulSet/db": { "n-a1": 1, "n-b1": 1 } } }));
    expect(risks.map((r) => [r.rule, r.suggestion?.templateId])).toEqual([["no-readiness-probe", "database-replica-lost"]]);
  });

  it("HPAs with a minimum of one (or none given, which is one)", () => {
    const i = healthy();
    i.hpas = [hpa("web", "web", 1), hpa("web-default", "web"), hpa("web-safe", "web", 2)];
    expect(rules(i)).toEqual(["hpa-min-one shop/HorizontalPodAutoscaler:web+Deployment:web", "hpa-min-one shop/HorizontalPodAutoscaler:web-default+Deployment:web"]);
  });

  it("sorts by severity, then namespace and title", () => {
    const risks = detectRisks(
      input({ deployments: [deployment("b", 2, { ns: "z" }), deployment("a", 1, { ns: "z", requests: false })], placement: { "z/Deployment/b": { "n-a1": 1, "n-b1": 1 } } }),
    );
    expect(risks.map((r) => r.severity)).toEqual(["high", "medium", "low"]);
  });

  it("label selectors: matchLabels and every expression operator", () => {
    const labels = { app: "web", tier: "front" };
    expect(selects({ matchLabels: { app: "web" } }, labels)).toBe(true);
    expect(selects({}, labels)).toBe(true);
    expect(selects(undefined, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels)).toBe(false);
  });

  it("every suggestion opens a template that builds with the parameters it fills", () => {
    const i = input({
      deployments: [deployment("solo", 1, { probe: false, requests: false }), deployment("web", 3, { probe: false, requests: false })],
      statefulSets: [deployment("db", 2, { probe: false })],
      pdbs: [pdb("web", { selector: { matchLabels: { app: "web" } }, minAvailable: 3 })],
      hpas: [hpa("solo", "solo", 1)],
      placement: { "shop/Deployment/web": { "n-a1": 3 }, "shop/StatefulSet/db": { "n-a1": 1, "n-a2": 1 }, "shop/Deployment/solo": { "n-b1": 1 } },
    });
    const risks = detectRisks(i);
    expect(new Set(risks.map((r) => r.rule)).size).toBe(8);
    for (const r of risks) {
      const s = r.suggestion!;
      const t = getTemplate(s.templateId);
      expect(t, s.templateId).toBeDefined();
      const built = buildFromTemplate(t!, Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, String(v)])));
      expect(built, `${r.rule}: ${JSON.stringify(s)}`).toMatchObject({ ok: true });
    }
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(10);
  });
});

describe("at scale", () => {
  it("10,000 workloads with a budget each and two risks each", () => {
    const deployments = Array.from({ length: 10_000 }, (_, i) => deployment(`app-${i}`, 3, { ns: `ns-${i % 50}`, probe: false }));
    const pdbs = deployments.map((d) => pdb(d.metadata.name, { selector: { matchLabels: { app: d.metadata.name } }, minAvailable: 3 }, d.metadata.namespace));
    const risks = detectRisks(input({ deployments, pdbs }));
    expect(risks.filter((r) => r.rule === "pdb-blocks-drain")).toHaveLength(10_000);
    expect(risks.filter((r) => r.rule === "no-readiness-probe")).toHaveLength(10_000);
  });
});
