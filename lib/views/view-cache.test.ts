import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeProducerConnection } from "@/lib/queue";
import { startTestSandbox, type Sandbox } from "@/lib/runs/testing/harness";
import { clusterSummary, eventList, podPage, type ViewCluster } from "@/lib/views";
import { testViewCluster } from "./test-helpers";
import { cachedView } from "./view-cache";

// The cache against the real sandbox, Redis and PostgreSQL: the sandbox's own request
// counters say how many LIST calls reached the cluster.

let sb: Sandbox;
let cluster: ViewCluster;

/** LIST requests the sandbox has served so far (all virtual clusters; this sandbox is ours alone). */
async function listCalls(): Promise<number> {
  const text = await (await fetch(`${sb.server.adminUrl}/metrics`, { headers: { authorization: `Bearer ${sb.server.adminToken}` } })).text();
  let n = 0;
  for (const m of text.matchAll(/^sandbox_requests_total\{([^}]*)\} (\d+)/gm)) if (m[1]!.includes('verb="list"')) n += Number(m[2]);
  return n;
}

beforeAll(async () => {
  sb = await startTestSandbox();
  ({ cluster } = await testViewCluster(sb));
});

afterAll(async () => {
  await closeProducerConnection();
  await sb.server.close();
});

describe("cluster view cache", () => {
  it("serves 20 concurrent viewers with one LIST of nodes and one of pods, then none while fresh", async () => {
    const before = await listCalls();
    const views = await Promise.all(Array.from({ length: 20 }, () => clusterSummary(cluster)));
    expect(await listCalls()).toBe(before + 2);
    for (const v of views) {
      expect(v.error).toBeUndefined();
      expect(v.data!.nodes.length).toBe(7);
      expect(v.data!.podsTotal).toBeGreaterThan(10);
      expect(v.at).toBe(views[0]!.at);
    }
    await Promise.all(Array.from({ length: 20 }, () => clusterSummary(cluster)));
    expect(await listCalls()).toBe(before + 2);
  });

  it("a refresh asked by 20 viewers at once still reads the cluster once", async () => {
    const first = await clusterSummary(cluster);
    const before = await listCalls();
    const views = await Promise.all(Array.from({ length: 20 }, () => clusterSummary(cluster, true)));
    expect(await listCalls()).toBe(before + 2);
    for (const v of views) expect(v.at).toBeGreaterThan(first.at);
  });

  it("pages and events are cached per filter", async () => {
    const before = await listCalls();
    await Promise.all(Array.from({ length: 20 }, () => podPage(cluster, { namespace: "shop" })));
    await Promise.all(Array.from({ length: 20 }, () => eventList(cluster, { type: "Normal" })));
    expect(await listCalls()).toBe(before + 2);
    const page = await podPage(cluster, { namespace: "shop" });
    expect(page.data!.rows.every((r) => r.namespace === "shop")).toBe(true);
    await podPage(cluster, { namespace: "shop-data" });
    expect(await listCalls()).toBe(before + 3);
  });

  it("serves stale data at once and refreshes it once in the background", async () => {
    let calls = 0;
    const key = `swr-${randomBytes(4).toString("hex")}`;
    const fetcher = async () => ++calls;
    const first = await cachedView(cluster.id, key, fetcher, { freshMs: 1 });
    expect(first.data).toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    const stale = await Promise.all(Array.from({ length: 20 }, () => cachedView(cluster.id, key, fetcher, { freshMs: 1 })));
    expect(stale.every((v) => v.data === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(2);
    expect((await cachedView(cluster.id, key, fetcher, { freshMs: 60_000 })).data).toBe(2);
  });

  it("an unreachable cluster comes back as an explained error, not an exception", async () => {
    const { cluster: orphan, sandboxId } = await testViewCluster(sb);
    await sb.admin.deleteCluster(sandboxId);
    const v = await clusterSummary(orphan);
    expect(v.data).toBeUndefined();
    expect(v.error?.code).toBe("unreachable");
    expect(v.error?.message).not.toContain("127.0.0.1");
  });

  it("a bad label selector is the cluster's refusal, shown as such", async () => {
    const v = await podPage(cluster, { labels: "app in (" });
    expect(v.error?.code).toBe("invalid");
  });
});
