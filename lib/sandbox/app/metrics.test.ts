import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "../conformance/harness";
import { raw } from "../conformance/raw";
import type { CreatedCluster } from "../admin-client";
import { startShopPrometheus, type TestPrometheus } from "@/lib/checks/testing/prometheus";

// The demo shop's metrics, read through the service proxy: valid Prometheus text (Debian's
// promtool, scripts/ensure-prometheus.sh), counters that only grow, and a real Prometheus server
// that scrapes them through the sandbox's API server and sees a fault in its queries.

const PROMTOOL = "/usr/bin/promtool";

let h: Harness;
let c: CreatedCluster;

beforeAll(async () => {
  h = await startHarness();
  c = await h.newCluster("demo");
});
afterAll(async () => {
  await h?.close();
});

const proxy = (p: string) => raw(`${c.server}/api/v1/namespaces/${p}`, h.server.caPem, c.token, "GET");

/** The value of one sample line, e.g. `http_requests_total{...,code="200"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("the shop's metrics through the service proxy", () => {
  it("are valid Prometheus text per promtool, per service and federated", async () => {
    for (const p of ["shop/services/cart:metrics/proxy/metrics", "monitoring/services/prometheus:web/proxy/federate"]) {
      const r = await proxy(p);
      expect(r.status).toBe(200);
      const check = spawnSync(PROMTOOL, ["check", "metrics"], { input: r.body, encoding: "utf8" });
      expect({ p, status: check.status, out: check.stdout + check.stderr }).toEqual({ p, status: 0, out: "" });
    }
    const cart = (await proxy("shop/services/cart:metrics/proxy/metrics")).body;
    expect(cart).toContain('http_request_duration_seconds_bucket{namespace="shop",service="cart",le="+Inf"}');
    expect(cart).not.toContain('service="frontend"');
    expect((await proxy("shop/services/cart:metrics/proxy/other")).status).toBe(404);
  });

  it("counters grow with the simulated traffic, and a fault moves them: cart down, checkout's 502s count up and cart's counters stop", async () => {
    const series = 'http_requests_total{namespace="shop",service="cart",code="200"}';
    const first = sample((await proxy("monitoring/services/prometheus:web/proxy/federate")).body, series)!;
    expect(first).toBeGreaterThanOrEqual(0);
    await eventually(async () => sample((await proxy("monitoring/services/prometheus:web/proxy/federate")).body, series)! > first);

    const scale = (replicas: number) =>
      raw(`${c.server}/apis/apps/v1/namespaces/shop/deployments/cart/scale`, h.server.caPem, c.token, "PATCH", JSON.stringify({ spec: { replicas } }), "application/merge-patch+json");
    expect((await scale(0)).status).toBe(200);
    const fed = async () => (await proxy("monitoring/services/prometheus:web/proxy/federate")).body;
    await eventually(async () => sample(await fed(), 'shop_ready_replicas{namespace="shop",service="cart"}') === 0);
    const stopped = sample(await fed(), series)!;
    const bad = 'http_requests_total{namespace="shop",service="checkout",code="502"}';
    await eventually(async () => (sample(await fed(), bad) ?? 0) > 0);
    expect(sample(await fed(), series)).toBe(stopped);
    // With no endpoint the service's own metrics port is unreachable too, as it would be.
    expect((await proxy("shop/services/cart:metrics/proxy/metrics")).json.message).toBe('no endpoints available for service "cart"');
    expect((await scale(2)).status).toBe(200);
    await eventually(async () => sample(await fed(), series)! > stopped);
  });
});

describe("a real Prometheus scraping the sandbox", () => {
  let prom: TestPrometheus | undefined;
  let base = "";

  beforeAll(async () => {
    // The federation endpoint of the cluster's own Prometheus, reached through the API server.
    prom = await startShopPrometheus(c, h.server.caPem);
    base = prom.url;
  });
  afterAll(() => prom?.close());

  async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    try {
      const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`);
      if (!r.ok) return [];
      const j = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return j.data.result;
    } catch {
      return [];
    }
  }

  it("scrapes the shop through the service proxy; rate() follows the simulated load and a fault shows in the queries", async () => {
    await eventually(async () => (await query('up{job="shop"}'))[0]?.value[1] === "1", 300);
    // cart's simulated load is 45 requests per second.
    await eventually(async () => {
      const v = Number((await query('rate(http_requests_total{service="cart",code="200"}[5s])'))[0]?.value[1] ?? 0);
      return v > 30 && v < 60;
    }, 300);
    const scale = (replicas: number) =>
      raw(`${c.server}/apis/apps/v1/namespaces/shop/deployments/cart/scale`, h.server.caPem, c.token, "PATCH", JSON.stringify({ spec: { replicas } }), "application/merge-patch+json");
    expect((await scale(0)).status).toBe(200);
    await eventually(async () => (await query('shop_ready_replicas{service="cart"}'))[0]?.value[1] === "0", 300);
    await eventually(async () => Number((await query('increase(http_requests_total{service="checkout",code="502"}[10s])'))[0]?.value[1] ?? 0) > 0, 300);
    expect((await scale(2)).status).toBe(200);
  });
});
