import { randomBytes } from "node:crypto";
import os from "node:os";
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api } from "@kubernetes/client-node";
import { db, type Run, type RunState } from "@/lib/db";
import { SandboxAdminClient, startSandboxServer, type SandboxServer } from "@/lib/sandbox";
import type { CreateClusterRequest } from "@/lib/sandbox/admin-client";
import { closeProducerConnection } from "@/lib/queue";
import { closeRunEvents } from "../run-events";
import { closeRunQueue } from "../run-queue";
import { PERMANENT_STATES } from "../run-states";
import { startRunWorker, type RunWorkerHandle } from "../worker";

// Test-only: the real sandbox server in this process, a team and a sandbox cluster row, and
// a direct client for assertions (tests check the cluster as an outsider would).
export interface Sandbox {
  server: SandboxServer;
  admin: SandboxAdminClient;
}

/** Starts a sandbox and points the run machinery of this process (and its children) at it. */
export async function startTestSandbox(): Promise<Sandbox> {
  const server = await startSandboxServer({ port: 0, adminPort: 0, dataDir: null });
  process.env.SANDBOX_ADMIN_URL = server.adminUrl;
  process.env.SANDBOX_ADMIN_TOKEN = server.adminToken;
  return { server, admin: new SandboxAdminClient(server.adminUrl, server.adminToken) };
}

export interface TestCluster {
  teamId: string;
  clusterId: string;
  sandboxId: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
  /** The virtual cluster's kubeconfig, for clients of other API groups. */
  kubeconfig: KubeConfig;
}

/** A team with a demo sandbox cluster; team settings and the virtual cluster's access may be overridden. */
export async function createTestCluster(
  sb: Pick<Sandbox, "admin">,
  team: { blastRadiusLimit?: number; confirmThreshold?: number; maxConcurrentRuns?: number } = {},
  access?: CreateClusterRequest["access"],
  limits?: CreateClusterRequest["limits"],
): Promise<TestCluster> {
  const created = await sb.admin.createCluster({ seed: "demo", access, limits });
  const slug = `t-${randomBytes(6).toString("hex")}`;
  const row = await db.team.create({ data: { slug, name: slug, maxConcurrentRuns: 50, ...team } });
  const cluster = await db.cluster.create({ data: { teamId: row.id, name: "sandbox", kind: "SANDBOX", sandboxClusterId: created.id, status: "CONNECTED" } });
  const kc = new KubeConfig();
  kc.loadFromString(created.kubeconfig);
  return {
    teamId: row.id,
    clusterId: cluster.id,
    sandboxId: created.id,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    policy: kc.makeApiClient(PolicyV1Api),
    kubeconfig: kc,
  };
}

export interface RunStack {
  sandbox: Sandbox;
  cluster: TestCluster;
  worker: RunWorkerHandle;
  /** Stops the worker, the queue, events and Redis connections of this process, the sandbox and the database client. */
  close(): Promise<void>;
}

/**
 * A whole run stack in this process: a sandbox, a team with a demo cluster, and a run worker
 * named after the test file. Timing variables (RUN_HEARTBEAT_MS, …) are set before calling.
 */
export async function startRunStack(workerName: string): Promise<RunStack> {
  const sandbox = await startTestSandbox();
  const cluster = await createTestCluster(sandbox);
  const worker = startRunWorker({ workerId: `${os.hostname()}:${process.pid}:${workerName}` });
  return {
    sandbox,
    cluster,
    worker,
    async close() {
      await worker.close();
      await closeRunQueue();
      await closeRunEvents();
      await closeProducerConnection();
      await sandbox.server.close();
      await db.$disconnect();
    },
  };
}

/** Polls until the run is in one of the states; the bound guards against a broken worker only. */
export async function waitForRun(runId: string, states: readonly RunState[] = PERMANENT_STATES, bound = 60_000): Promise<Run> {
  const until = Date.now() + bound;
  for (;;) {
    const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
    if (states.includes(run.state)) return run;
    if (Date.now() > until) throw new Error(`run ${runId} stayed ${run.state}, never reached ${states.join("/")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls a condition (cluster healing, a step recorded); same bound. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, bound = 60_000): Promise<T> {
  const until = Date.now() + bound;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Names of nodes that are cordoned. */
export async function cordonedNodes(c: TestCluster): Promise<string[]> {
  return (await c.core.listNode()).items.filter((n) => n.spec?.unschedulable).map((n) => n.metadata!.name!);
}
