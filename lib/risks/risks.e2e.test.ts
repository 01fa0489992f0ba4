import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type Sandbox } from "@/lib/runs/testing/harness";
import { closeProducerConnection } from "@/lib/queue";
import { testViewCluster } from "@/lib/views/test-helpers";
import { clusterRisks } from "./index";

// The risks of a real sandbox cluster with the demo shop, through the views' cache, as the
// Risks page reads them. The demo shop's own objects decide what it has (lib/sandbox/seed/demo.ts,
// and where its scheduler places the pods, which is the same for every demo cluster).

let sb: Sandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await closeProducerConnection();
  await sb?.server.close();
});

const key = (r: { rule: string; namespace: string; objects: { kind: string; name: string }[] }) => `${r.rule} ${r.namespace}/${r.objects.map((o) => `${o.kind}:${o.name}`).join("+")}`;

describe("detected risks of the demo shop", { timeout: 60_000 }, () => {
  it("names what it really has, each with a template to prove it", async () => {
    const { cluster } = await testViewCluster(sb);
    const result = await clusterRisks(cluster);
    expect(result.error).toBeUndefined();
    const { risks, workloads } = result.data!;
    expect(workloads).toBe(16);
    const keys = risks.filter((r) => r.rule !== "no-readiness-probe").map(key).sort();
    expect(keys).toEqual(
      [
        // Seven workloads run one replica.
        "single-replica kube-system/Deployment:metrics-server",
        "single-replica monitoring/Deployment:grafana",
        "single-replica monitoring/Deployment:prometheus",
        "single-replica shop/Deployment:ads",
        "single-replica shop/Deployment:email",
        "single-replica shop/Deployment:shipping",
        "single-replica shop-data/StatefulSet:redis-cart",
        // checkout: minAvailable 2 of 2 replicas.
        "pdb-blocks-drain shop/Deployment:checkout+PodDisruptionBudget:checkout",
        // Replicated services without a budget.
        "no-pdb shop/Deployment:cart",
        "no-pdb shop/Deployment:catalog",
        "no-pdb shop/Deployment:currency",
        "no-pdb shop/Deployment:recommendation",
        // Where the scheduler put them: both payment pods on data-b-1; cart and coredns only in zone-a.
        "one-node shop/Deployment:payment+Node:data-b-1",
        "one-zone shop/Deployment:cart+Zone:zone-a",
        "one-zone kube-system/Deployment:coredns+Zone:zone-a",
      ].sort(),
    );
    // No container of the shop has a readiness probe; all have requests; there is no HPA.
    expect(risks.filter((r) => r.rule === "no-readiness-probe")).toHaveLength(16);
    expect(result.data!.counts).toEqual({ "single-replica": 7, "pdb-blocks-drain": 1, "no-pdb": 4, "one-node": 1, "one-zone": 2, "no-readiness-probe": 16 });
    expect(risks.some((r) => r.rule === "no-requests" || r.rule === "hpa-min-one")).toBe(false);
    expect(risks[0]!.severity).toBe("high");
    const checkout = risks.find((r) => r.rule === "pdb-blocks-drain")!;
    expect(checkout.suggestion).toMatchObject({ templateId: "node-lost", params: { podNamespace: "shop", podSelector: "app=checkout" } });
    expect(["general-b-1", "general-c-1"]).toContain(checkout.suggestion!.params.nodeName);
    expect(risks.find((r) => r.rule === "one-node")!.suggestion).toMatchObject({ templateId: "drain-under-budgets", params: { nodeName: "data-b-1" } });

    // Cached: a second read within the fresh period is the same read.
    const again = await clusterRisks(cluster);
    expect(again.at).toBe(result.at);
  });

  it("a cluster that cannot be read gives the reason, not risks", async () => {
    const { cluster } = await testViewCluster(sb, { deny: ["deployments.apps"] });
    const result = await clusterRisks(cluster);
    expect(result.data).toBeUndefined();
    expect(result.error?.code).toBe("forbidden");
  });
});
