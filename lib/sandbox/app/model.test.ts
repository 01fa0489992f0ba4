import { describe, expect, it } from "vitest";
import { ClusterManager } from "../manager";
import { ENDPOINTS } from "../resources";
import { SHOP_SERVICES } from "./catalog";
import { exposition } from "./exposition";
import { AppModel, latencyCdf, serviceFigures } from "./model";

// The model's arithmetic on a real demo cluster with a clock of the test's own, so the integrated
// counters can be checked to the request.

const model = (name: string) => SHOP_SERVICES.find((s) => s.name === name)!;

describe("service figures", () => {
  it("queueing raises latency up to ten times the base, and only overload sheds", () => {
    const f = model("frontend"); // 60 rps offered, 40 per replica, 5 ms
    expect(serviceFigures(f, 3)).toEqual({ utilisation: 0.5, ownMs: 10, ownErrorShare: 0 });
    expect(serviceFigures(f, 2)).toEqual({ utilisation: 0.75, ownMs: 20, ownErrorShare: 0 });
    const one = serviceFigures(f, 1);
    expect(one.utilisation).toBe(1.5);
    expect(one.ownMs).toBeCloseTo(50);
    expect(one.ownErrorShare).toBeCloseTo(1 / 3);
    expect(serviceFigures(f, 0).utilisation).toBe(Infinity);
  });

  it("the latency distribution is a distribution: 0 below half the mean, rising to 1", () => {
    expect(latencyCdf(0.004, 0.01)).toBe(0);
    expect(latencyCdf(0.01, 0.01)).toBeCloseTo(1 - Math.exp(-1));
    expect(latencyCdf(1, 0.01)).toBeCloseTo(1);
  });
});

describe("counters", () => {
  it("integrate the simulated load exactly, and turn at the moment the Endpoints change", () => {
    const manager = new ClusterManager({ podStartDelayMs: 10, podStopDelayMs: 10 });
    const c = manager.create({ seed: "demo" });
    let now = 1_000_000;
    const m = new AppModel(c, () => now);
    const value = (service: string, code: string) => {
      const line = exposition(m).split("\n").find((l) => l.startsWith(`http_requests_total{namespace="shop",service="${service}",code="${code}"} `));
      return line ? Number(line.split(" ")[1]) : undefined;
    };
    expect(value("cart", "200")).toBe(0);
    now += 10_000;
    expect(value("cart", "200")).toBe(450); // 45 rps × 10 s
    expect(value("frontend", "200")).toBe(600);

    // cart loses its endpoints at t = 10 s: from then on it serves nothing, and the frontend's
    // routes that need it (home 55 %, cart 12 %, checkout 8 %) answer 502.
    const eps = c.store.get(ENDPOINTS, "shop", "cart")!;
    c.store.put(ENDPOINTS, { ...eps, subsets: [] });
    now += 10_000;
    expect(value("cart", "200")).toBe(450);
    expect(value("frontend", "502")).toBe(450); // 60 × 10 × 0.75
    expect(value("frontend", "200")).toBe(750); // 600 + 60 × 10 × 0.25
    expect(exposition(m)).toContain('shop_ready_replicas{namespace="shop",service="cart"} 0');
    manager.close();
  });
});
