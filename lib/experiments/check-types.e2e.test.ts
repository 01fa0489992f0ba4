import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateCheck } from "@/lib/checks";
import { startShopPrometheus, type TestPrometheus } from "@/lib/checks/testing/prometheus";
import { db } from "@/lib/db";
import { createTestCluster, eventually, type TestCluster } from "@/lib/runs/testing/harness";
import { sealPrometheus, prometheusOf } from "@/lib/teams/prometheus";
import { getExecutionDetail, startExecution, type ExperimentDefinitionInput } from "./index";
import { contextOf, saveExperiment, startExperimentStack, waitForExecution, type ExperimentStack } from "./testing/harness";

// Each check type (HTTP through the service proxy, Kubernetes state, PromQL against a real
// Prometheus scraping the demo shop) passing and failing inside an experiment, and the team's
// Prometheus connection stored sealed and opened by the engine.
Object.assign(process.env, {
  RUN_HEARTBEAT_MS: "200",
  RUN_STALE_MS: "2000",
  RUN_SWEEP_MS: "500",
  EXPERIMENT_HEARTBEAT_MS: "200",
  EXPERIMENT_STALE_MS: "2000",
  EXPERIMENT_SWEEP_MS: "500",
  EXPERIMENT_POLL_MS: "200",
  // The test's Prometheus listens on loopback over plain HTTP, as an operator would admit it.
  PYSTOL_KUBE_ALLOWED_CIDRS: "127.0.0.0/8",
  PYSTOL_KUBE_ALLOW_HTTP: "true",
});

let stack: ExperimentStack;
let c: TestCluster;
let prom: TestPrometheus;

beforeAll(async () => {
  stack = await startExperimentStack("experiment-checks");
  c = stack.cluster;
  const creds = await stack.sandbox.admin.getCredentials(c.sandboxId);
  prom = await startShopPrometheus(creds, creds.caPem);
  await db.team.update({ where: { id: c.teamId }, data: sealPrometheus({ url: prom.url }) });
  // Until the first scrapes, PromQL answers nothing.
  const ready = { name: "scraped", type: "prometheus" as const, query: 'shop_ready_replicas{service="cart"}', op: ">=" as const, threshold: 1 };
  await eventually("Prometheus has the shop's series", async () => (await evaluateCheck({ prometheus: { url: prom.url } }, ready)).outcome === "pass");
});
afterAll(async () => {
  prom?.close();
  await stack?.close();
});

const during = { mode: "during" as const, intervalSeconds: 1, stopOnTrip: false };
const http = { name: "checkout answers", type: "http" as const, ...during, target: { kind: "service" as const, namespace: "shop", service: "frontend", port: "http", path: "/checkout" } };
const kubernetes = {
  name: "cart available",
  type: "kubernetes" as const,
  ...during,
  check: { condition: "workload-available" as const, workload: "Deployment" as const, namespace: "shop", name: "cart", minAvailable: 1 },
};
const prometheus = { name: "cart ready (PromQL)", type: "prometheus" as const, ...during, query: 'shop_ready_replicas{service="cart"}', op: ">=" as const, threshold: 1 };

async function execute(cluster: TestCluster, definition: ExperimentDefinitionInput) {
  const ctx = await contextOf(cluster);
  const experiment = await saveExperiment(ctx, cluster, definition);
  const execution = await startExecution(ctx, experiment.id);
  const done = await waitForExecution(execution.id);
  return { done, detail: (await getExecutionDetail(cluster.teamId, execution.id))! };
}

describe("check types in experiments", { timeout: 120_000 }, () => {
  it("the team's Prometheus is stored sealed and opened for checks", async () => {
    const row = await db.team.findUniqueOrThrow({ where: { id: c.teamId } });
    expect(row.prometheusHost).toBe(new URL(prom.url).host);
    expect(Buffer.from(row.prometheusCiphertext!).toString("utf8")).not.toContain(prom.url);
    expect(await prometheusOf(c.teamId)).toEqual({ url: prom.url });
  });

  it("HTTP, Kubernetes and PromQL checks all pass while a frontend pod is killed: PASSED", async () => {
    const { done, detail } = await execute(c, {
      stages: [{ name: "lose a frontend pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=frontend", count: 1 } }], waitAfterSeconds: 3 }],
      checks: [http, kubernetes, prometheus],
    });
    expect({ state: done.state, reason: done.reason, score: done.score }).toEqual({ state: "PASSED", reason: "every check held (3 checks)", score: 100 });
    for (const check of detail.checks) {
      expect(check.samples.length, check.name).toBeGreaterThanOrEqual(2);
      expect(check.samples.map((s) => s.outcome).every((o) => o === "pass"), check.name).toBe(true);
    }
    expect(detail.checks.map((ch) => ch.threshold)).toEqual([null, { value: 1, op: ">=", unit: "replicas" }, { value: 1, op: ">=", unit: "" }]);
  });

  it("HTTP, Kubernetes and PromQL checks all fail while cart is scaled to zero; trips that do not stop still fail it", async () => {
    const own = await createTestCluster(stack.sandbox);
    const creds = await stack.sandbox.admin.getCredentials(own.sandboxId);
    const ownProm = await startShopPrometheus(creds, creds.caPem);
    try {
      await db.team.update({ where: { id: own.teamId }, data: sealPrometheus({ url: ownProm.url }) });
      await eventually("Prometheus has the shop's series", async () => (await evaluateCheck({ prometheus: { url: ownProm.url } }, prometheus)).outcome === "pass");
      const { done, detail } = await execute(own, {
        stages: [{ name: "cart down", faults: [{ actionId: "deployment-scale", params: { namespace: "shop", name: "cart", replicas: 0, durationSeconds: 120 }, durationSeconds: 5 }] }],
        checks: [http, kubernetes, prometheus, { ...prometheus, name: "cart back (PromQL)", mode: "after" as const }],
        recoveryWindowSeconds: 30,
      });
      expect(done.state).toBe("FAILED");
      expect(done.reason).toMatch(/^the during-check "checkout answers" tripped: /);
      expect(done.trippedBy).toBeNull();
      const [h, k, p, after] = detail.checks;
      for (const check of [h!, k!, p!]) {
        expect(check.samples.some((s) => s.outcome === "fail"), check.name).toBe(true);
        expect(check.tripped, check.name).toBe(true);
      }
      expect(h!.samples.find((s) => s.outcome === "fail")?.observed).toMatch(/^frontend answered 502/);
      expect(k!.samples.find((s) => s.outcome === "fail")?.observed).toMatch(/^Deployment shop\/cart has 0 available/);
      expect(p!.samples.find((s) => s.outcome === "fail")).toMatchObject({ value: 0, observed: "cart ready (PromQL) is 0; expected >= 1." });
      expect(after!.outcome.after).toBe("pass");
      expect(done.score).toBeLessThan(100);
    } finally {
      ownProm.close();
    }
  });

  it("an after-check that does not pass within the recovery window fails it", async () => {
    const { done, detail } = await execute(c, {
      stages: [{ name: "kill", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
      checks: [{ name: "a thousand nodes", type: "kubernetes", mode: "after", intervalSeconds: 1, check: { condition: "nodes-ready", minReady: 1000 } }],
      recoveryWindowSeconds: 2,
    });
    expect(done.state).toBe("FAILED");
    expect(done.reason).toMatch(/^the after-check "a thousand nodes" did not pass within the recovery window of 2 s: /);
    expect(detail.checks[0]!.samples.length).toBeGreaterThanOrEqual(2);
    expect(done.score).toBe(0);
  });
});
