import { describe, expect, it } from "vitest";
import { selects } from "./drain-budgets";
import { podKillConcern } from "./replica-share";
import { podTarget } from "./select";

const pod = (name: string, owner?: string) => ({
  metadata: { name, namespace: "shop", ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: owner, uid: owner, controller: true }] } : {}) },
});

describe("podKillConcern", () => {
  const cart = [pod("cart-1", "cart-5f"), pod("cart-2", "cart-5f")];

  it("says nothing when half or less of a workload is hit", () => {
    expect(podKillConcern(cart, [podTarget(cart[0]!)], 1)).toBeNull();
  });

  it("names a count larger than the matching pods and every replica of the workload", () => {
    const why = podKillConcern(cart, cart.map(podTarget), 5000);
    expect(why).toBe(
      "You asked for 5000 pods but only 2 match, so every matching pod would be killed. It kills all 2 pods of ReplicaSet cart-5f: no replica is left to serve until they come back.",
    );
  });

  it("asks about more than half of a workload, and about bare pods that never come back", () => {
    const three = [pod("f-1", "f"), pod("f-2", "f"), pod("f-3", "f")];
    expect(podKillConcern(three, three.slice(0, 2).map(podTarget))).toBe("It kills 2 of the 3 pods of ReplicaSet f, more than half of them.");
    expect(podKillConcern([pod("bare")], [podTarget(pod("bare"))])).toBe("1 pod has no controller and will not come back.");
  });
});

describe("selects (a PodDisruptionBudget's selector)", () => {
  it("matches labels and expressions as the API server does", () => {
    expect(selects({ matchLabels: { app: "cart" } }, { app: "cart", tier: "web" })).toBe(true);
    expect(selects({ matchLabels: { app: "cart" } }, { app: "shop" })).toBe(false);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "In", values: ["web", "api"] }] }, { tier: "api" })).toBe(true);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["web"] }] }, { tier: "web" })).toBe(false);
    expect(selects({ matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] }, {})).toBe(true);
    expect(selects({}, { any: "thing" })).toBe(true);
    expect(selects(undefined, { app: "cart" })).toBe(false);
  });
});
