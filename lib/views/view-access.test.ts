import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue";
import { startTestSandbox, type Sandbox } from "@/lib/runs/testing/harness";
import type { CreateClusterRequest } from "@/lib/sandbox/admin-client";
import { clusterSummary, eventList, explainViewError, nodeUsage, podPage, type ViewCluster } from "@/lib/views";
import { testViewCluster } from "./test-helpers";

// Clusters narrower than the sandbox's default administrator token, as real kubeconfigs often
// are: credentials that may not list some resources, and a cluster without metrics-server.
// Each view reports why it has no data (the page explains it) instead of failing.

let sb: Sandbox;

async function viewCluster(access: CreateClusterRequest["access"]): Promise<ViewCluster> {
  return (await testViewCluster(sb, access)).cluster;
}

beforeAll(async () => {
  sb = await startTestSandbox();
});

afterAll(async () => {
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

describe("views of a cluster the credentials only partly allow", () => {
  it("events forbidden: the events view says so and what to grant; the other views still work", async () => {
    const cluster = await viewCluster({ deny: ["events"] });
    const events = await eventList(cluster, {});
    expect(events.data).toBeUndefined();
    expect(events.error).toMatchObject({ code: "forbidden" });
    const explained = explainViewError(events.error!, "events");
    expect(explained.title).toBe("The credentials may not read events");
    expect(explained.detail).toContain('cannot list resource "events"');
    expect(explained.next).toMatch(/get\/list/);

    const summary = await clusterSummary(cluster);
    expect(summary.error).toBeUndefined();
    expect(summary.data!.podsTotal).toBeGreaterThan(10);
  });

  it("pods forbidden: the summary and the pods page explain it rather than fail", async () => {
    const cluster = await viewCluster({ deny: ["pods"] });
    const [summary, pods] = await Promise.all([clusterSummary(cluster), podPage(cluster, { namespace: "shop" })]);
    expect(summary.error).toMatchObject({ code: "forbidden" });
    expect(pods.error).toMatchObject({ code: "forbidden" });
    expect(explainViewError(pods.error!, "pods").title).toBe("The credentials may not read pods");
  });

  it("no metrics.k8s.io: live usage is absent with a plain reason; nodes and pods are read as usual", async () => {
    const cluster = await viewCluster({ metricsServer: false });
    const usage = await nodeUsage(cluster);
    expect(usage.error).toBeUndefined();
    expect(usage.data).toEqual({ available: false, reason: expect.stringMatching(/does not serve metrics\.k8s\.io/) });
    expect((await clusterSummary(cluster)).data!.nodes.length).toBe(7);

    const withMetrics = await nodeUsage(await viewCluster({}));
    expect(withMetrics.data).toMatchObject({ available: true });
  });
});
