import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunRefusedError } from "@/lib/actions";
import { db, type Cluster } from "@/lib/db";
import { KubeAccessError } from "@/lib/kube";
import { closeProducerConnection } from "@/lib/queue";
import { closeRunQueue, startRun } from "@/lib/runs";
import { killHard, startSandboxProcess } from "@/lib/runs/testing/processes";
import { kubectl } from "@/lib/sandbox/conformance/harness";
import { createTeam } from "@/lib/teams/create-team";
import type { TeamContext } from "@/lib/tenancy";
import { startTrial } from "@/lib/trials";
import { checkPoolShards, parkPoolClustersOnDownShards, poolSlug } from "@/lib/trials/pool";
import { clusterSummary, findViewCluster } from "@/lib/views";
import { addSandboxCluster, clientForCluster, forgetClusterClients, forgetShardHealth, sandboxAdminOf, SHARD_DOWN_MESSAGE } from "./index";
import { parseSandboxSettings } from "./sandbox-admin";

// Two sandbox shards as real processes (durable: journal and snapshots), the real PostgreSQL
// and Redis, kubectl against each shard. One shard is SIGKILLed and started again.

const KUBECTL = "/usr/bin/kubectl";
type Proc = Awaited<ReturnType<typeof startSandboxProcess>>;
const token = randomBytes(24).toString("hex");
const saved = { ...process.env };
const children: ChildProcess[] = [];
const dirs: string[] = [];
let a: Proc;
let b: Proc;
let ctx: TeamContext;

async function shard(prev?: Proc): Promise<Proc> {
  const p = await startSandboxProcess({ dataDir: prev?.dataDir, port: prev?.port, adminPort: prev?.adminPort, adminToken: token, env: { SANDBOX_SNAPSHOT: "1" } });
  children.push(p.child);
  if (!prev) dirs.push(p.dataDir);
  return p;
}

beforeAll(async () => {
  [a, b] = await Promise.all([shard(), shard()]);
  process.env.SANDBOX_ADMIN_TOKEN = token;
  process.env.SANDBOX_SHARDS = `default=${a.adminUrl},shard-1=${b.adminUrl}`;
  // A pool of this file's own: other files' pool clusters live in their own sandboxes.
  process.env.TRIAL_POOL_TEAM = `trial--pool-shards-${process.pid}`;
  delete process.env.SANDBOX_SHARD_COUNT;
  delete process.env.SANDBOX_SHARD_URL_PATTERN;
  const owner = await db.user.create({ data: { email: `shards-${randomBytes(4).toString("hex")}@example.com`, name: "Shards" } });
  const team = await db.$transaction((tx) => createTeam(tx, { name: `Shards ${randomBytes(3).toString("hex")}`, userId: owner.id }, { ip: null, userAgent: null }));
  ctx = { team: { id: team.id, slug: team.slug, name: team.name, personal: false, isTrial: false }, role: "OWNER", user: { id: owner.id, email: owner.email, name: owner.name }, tokenId: null };
}, 120_000);

afterAll(async () => {
  for (const c of children) await killHard(c);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await closeRunQueue();
  await closeProducerConnection();
  await db.$disconnect();
  process.env = saved;
});

// kubectl with the cluster's kubeconfig, read from its own shard.
async function kubectlNodes(row: Pick<Cluster, "sandboxClusterId" | "sandboxShard">): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(tmpdir(), `shards-${randomBytes(4).toString("hex")}.kubeconfig`);
  writeFileSync(file, await sandboxAdminOf(row.sandboxShard)!.getKubeconfig(row.sandboxClusterId!), { mode: 0o600 });
  try {
    return await kubectl(KUBECTL, file, ["get", "nodes", "-o", "name"]);
  } finally {
    rmSync(file, { force: true });
  }
}

async function refusal(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("sandbox shard settings", () => {
  it("keeps SANDBOX_ADMIN_URL working as one shard named default", () => {
    expect(parseSandboxSettings({ SANDBOX_ADMIN_URL: "http://sb:6444", SANDBOX_ADMIN_TOKEN: token }).shards).toEqual([{ name: "default", adminUrl: "http://sb:6444" }]);
  });

  it("reads a list of shards and a StatefulSet's count with its URL pattern", () => {
    expect(parseSandboxSettings({ SANDBOX_SHARDS: "default=http://a:6444, shard-1=http://b:6444" }).shards.map((s) => s.name)).toEqual(["default", "shard-1"]);
    expect(parseSandboxSettings({ SANDBOX_SHARD_COUNT: "3", SANDBOX_SHARD_URL_PATTERN: "http://sandbox-{i}.shards:6444" }).shards).toEqual([
      { name: "default", adminUrl: "http://sandbox-0.shards:6444" },
      { name: "shard-1", adminUrl: "http://sandbox-1.shards:6444" },
      { name: "shard-2", adminUrl: "http://sandbox-2.shards:6444" },
    ]);
  });

  it("refuses wrong settings with a message naming the variable", () => {
    const message = (env: Record<string, string>) => {
      try {
        parseSandboxSettings(env);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(message({ SANDBOX_SHARDS: "http://a:6444" })).toContain("SANDBOX_SHARDS: entry 1 must be name=url");
    expect(message({ SANDBOX_SHARDS: "A B=http://a:6444" })).toContain("a shard name is lower-case letters");
    expect(message({ SANDBOX_SHARDS: "a=ftp://a" })).toContain("entry 1 (a): the URL must start with http:// or https://");
    expect(message({ SANDBOX_SHARDS: "a=http://a:1,a=http://b:1" })).toContain("each shard needs its own name");
    expect(message({ SANDBOX_SHARDS: "a=http://a:1", SANDBOX_SHARD_COUNT: "2", SANDBOX_SHARD_URL_PATTERN: "http://s-{i}:1" })).toContain("set either SANDBOX_SHARDS or SANDBOX_SHARD_COUNT");
    expect(message({ SANDBOX_SHARD_COUNT: "2" })).toContain("SANDBOX_SHARD_URL_PATTERN: is needed with SANDBOX_SHARD_COUNT");
    expect(message({ SANDBOX_SHARD_COUNT: "2", SANDBOX_SHARD_URL_PATTERN: "http://sandbox:6444" })).toContain("must contain {i}");
  });
});

describe("clusters over two sandbox shards", () => {
  let onA: Cluster;
  let onB: Cluster;

  it("places new clusters on the least loaded shard, each reached through its shard", async () => {
    // Each shard starts with its demo cluster: the first goes to the first shard, the next to the other.
    onA = await addSandboxCluster(ctx, { name: "first" });
    onB = await addSandboxCluster(ctx, { name: "second" });
    expect([onA.sandboxShard, onB.sandboxShard]).toEqual(["default", "shard-1"]);
    expect(onA.status).toBe("CONNECTED");
    expect(onB.status).toBe("CONNECTED");
    // The virtual clusters are where the rows say, and only there.
    expect((await sandboxAdminOf("default")!.listClusters()).map((c) => c.id)).toContain(onA.sandboxClusterId);
    expect((await sandboxAdminOf("shard-1")!.listClusters()).map((c) => c.id)).toContain(onB.sandboxClusterId);
    expect((await sandboxAdminOf("shard-1")!.listClusters()).map((c) => c.id)).not.toContain(onA.sandboxClusterId);
    for (const row of [onA, onB]) {
      const k = await kubectlNodes(row);
      expect(k.stderr).toBe("");
      expect(k.stdout).toMatch(/^node\//m);
      const kube = await clientForCluster(row);
      expect((await kube.core.listNamespace()).items.map((n) => n.metadata?.name)).toContain("shop");
    }
    // A third cluster goes to whichever holds fewer: load the second shard, and it lands on the first.
    await sandboxAdminOf("shard-1")!.createCluster({ seed: "empty" });
    await sandboxAdminOf("shard-1")!.createCluster({ seed: "empty" });
    expect((await addSandboxCluster(ctx, { name: "third" })).sandboxShard).toBe("default");
  }, 180_000);

  it("a killed shard affects only its clusters: plain refusals there, the other keeps working, new ones land on the live shard", async () => {
    await killHard(b.child);
    forgetShardHealth();
    // Views: the sentence, not a socket error.
    const err = await refusal(clientForCluster(onB));
    expect(err).toBeInstanceOf(KubeAccessError);
    expect((err as KubeAccessError).code).toBe("shard-down");
    expect(err.message).toBe(SHARD_DOWN_MESSAGE);
    const summary = await clusterSummary((await findViewCluster(ctx, onB.id))!, true);
    expect(summary.error).toEqual({ code: "shard-down", message: SHARD_DOWN_MESSAGE });
    // Runs are refused with the same reason.
    const run = await refusal(startRun({ teamId: ctx.team.id, clusterId: onB.id, actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 }, dryRun: true }));
    expect(run).toBeInstanceOf(RunRefusedError);
    expect(run.message).toBe(SHARD_DOWN_MESSAGE);
    // The other shard's clusters keep working, through the views and runs.
    expect((await clusterSummary((await findViewCluster(ctx, onA.id))!, true)).data?.nodes.length).toBeGreaterThan(0);
    const ok = await startRun({ teamId: ctx.team.id, clusterId: onA.id, actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 }, dryRun: true });
    expect(ok.plan.targets.length).toBe(1);
    expect((await kubectlNodes(onA)).stdout).toMatch(/^node\//m);
    // New clusters and new trials land on the live shard, though the dead one held fewer.
    expect((await addSandboxCluster(ctx, { name: "while-down" })).sandboxShard).toBe("default");
    const trial = await startTrial({ ip: `203.0.113.${randomBytes(1)[0]}-${randomBytes(4).toString("hex")}`, userAgent: "vitest" });
    const trialCluster = await db.cluster.findUniqueOrThrow({ where: { id: trial.clusterId } });
    expect(trialCluster.sandboxShard).toBe("default");
    expect((await kubectlNodes(trialCluster)).stdout).toMatch(/^node\//m);
  }, 180_000);

  it("a restarted shard brings its clusters back from its journal", async () => {
    b = await shard(b);
    forgetShardHealth();
    forgetClusterClients();
    const kube = await eventually(async () => clientForCluster(onB), "the restarted shard");
    expect((await kube.core.listNamespace()).items.map((n) => n.metadata?.name)).toContain("shop");
    expect((await kubectlNodes(onB)).stdout).toMatch(/^node\//m);
    const summary = await clusterSummary((await findViewCluster(ctx, onB.id))!, true);
    expect(summary.data?.nodes.length).toBeGreaterThan(0);
  }, 180_000);

  it("parks the pool clusters of a shard that is down, so trials skip them, and takes them back when it answers", async () => {
    const pool = await db.team.upsert({ where: { slug: poolSlug() }, create: { slug: poolSlug(), name: "Trial cluster pool" }, update: {}, select: { id: true, slug: true, name: true } });
    const poolCtx: TeamContext = { team: { ...pool, personal: false, isTrial: false }, role: "OWNER", user: null, tokenId: null };
    // The first shard made busier, so the pool cluster lands on the second.
    const [la, lb] = await Promise.all([sandboxAdminOf("default")!.load(), sandboxAdminOf("shard-1")!.load()]);
    for (let i = la.clusters; i <= lb.clusters; i++) await sandboxAdminOf("default")!.createCluster({ seed: "empty" });
    const pooled = await addSandboxCluster(poolCtx, { name: `pooled-${randomBytes(6).toString("hex")}` });
    expect(pooled.sandboxShard).toBe("shard-1");
    try {
      await killHard(b.child);
      forgetShardHealth();
      await parkPoolClustersOnDownShards();
      expect((await db.cluster.findUniqueOrThrow({ where: { id: pooled.id } })).status).toBe("UNREACHABLE");
      const trial = await startTrial({ ip: `203.0.113.${randomBytes(1)[0]}-${randomBytes(4).toString("hex")}`, userAgent: "vitest" });
      expect(trial.clusterId).not.toBe(pooled.id);
      expect((await db.cluster.findUniqueOrThrow({ where: { id: trial.clusterId } })).sandboxShard).toBe("default");
      // Back: the refill's check returns it to the pool.
      b = await shard(b);
      forgetShardHealth();
      await checkPoolShards(pool.id);
      expect((await db.cluster.findUniqueOrThrow({ where: { id: pooled.id } })).status).toBe("CONNECTED");
    } finally {
      await db.cluster.deleteMany({ where: { id: pooled.id, teamId: pool.id } });
      await sandboxAdminOf("shard-1")!.deleteCluster(pooled.sandboxClusterId!).catch(() => undefined);
    }
  }, 180_000);
});
