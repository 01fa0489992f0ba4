// The second half of npm run bench:faults — fault runs against the sandbox: from the call that
// starts a run to the fault's effect visible in the sandbox (the runner's container running
// in the target pod, which is when the sandbox's simulation applies the fault), and from the
// call that aborts it to the effect gone (the runner ended and its Lease deleted; target p99
// ≤ 2 s). Each of the eight faults in turn, BENCH_FAULT_RUNS times each (default 10), one
// pod each. The sandbox and the worker are processes of their own, as in production; this
// process plays the web app (startRun, abortRun) and watches the pods. Its own database.
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import { KubeConfig, Watch, type V1Pod } from "@kubernetes/client-node";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_bench_faults";
const RUNS = Number(process.env.BENCH_FAULT_RUNS ?? 10);
process.env.DATABASE_URL = DB_URL;
process.env.PYSTOL_QUEUE_PREFIX = `pystol-bench-faults-${process.pid}`;
process.env.LOG_LEVEL = "warn";
await dropDatabase(DB_URL);
await deployMigrations(DB_URL);

const { db } = await import("@/lib/db");
const { createTestCluster } = await import("@/lib/runs/testing/harness");
const { SandboxAdminClient } = await import("@/lib/sandbox/admin-client");
const { startRun, abortRun, closeRunQueue } = await import("@/lib/runs");
const { closeProducerConnection } = await import("@/lib/queue");
const { startWorkerProcess, startSandboxProcess, killHard } = await import("@/lib/runs/testing/processes");

const sandbox = await startSandboxProcess();
process.env.SANDBOX_ADMIN_URL = sandbox.adminUrl;
process.env.SANDBOX_ADMIN_TOKEN = sandbox.adminToken;
const sb = { admin: new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken) };
const c = await createTestCluster(sb, { maxConcurrentRuns: 1000, confirmThreshold: 1000, blastRadiusLimit: 1000 }, undefined, { requestsPerSecond: 1_000_000, requestBurst: 1_000_000, maxWatches: 1000 });
const kc = new KubeConfig();
kc.loadFromString(await sb.admin.getKubeconfig(c.sandboxId));

// The state of every runner container, by "pod/container", as a watch sees it change.
type RunnerState = "running" | "terminated";
const seenAt = new Map<string, Map<RunnerState, number>>();
const waiters = new Map<string, () => void>();
const key = (pod: string, container: string, state: RunnerState) => `${pod}/${container}/${state}`;
await new Watch(kc).watch("/api/v1/namespaces/shop/pods", {}, (_phase, pod: V1Pod) => {
  const t = performance.now();
  for (const s of pod.status?.ephemeralContainerStatuses ?? []) {
    const state: RunnerState | null = s.state?.terminated ? "terminated" : s.state?.running ? "running" : null;
    if (!state) continue;
    const k = `${pod.metadata?.name}/${s.name}`;
    const m = seenAt.get(k) ?? new Map<RunnerState, number>();
    if (!m.has(state)) m.set(state, t);
    seenAt.set(k, m);
    waiters.get(key(pod.metadata!.name!, s.name, state))?.();
  }
}, () => undefined);
const seen = (pod: string, container: string, state: RunnerState, bound = 60_000) =>
  new Promise<number>((resolve, reject) => {
    const have = () => seenAt.get(`${pod}/${container}`)?.get(state);
    const t = have();
    if (t !== undefined) return resolve(t);
    const timer = setTimeout(() => reject(new Error(`${pod}/${container} never ${state}`)), bound);
    waiters.set(key(pod, container, state), () => {
      clearTimeout(timer);
      resolve(have()!);
    });
  });

const children: ChildProcess[] = [await startWorkerProcess({ SANDBOX_ADMIN_URL: sandbox.adminUrl, SANDBOX_ADMIN_TOKEN: sandbox.adminToken, DATABASE_URL: DB_URL, PYSTOL_QUEUE_PREFIX: process.env.PYSTOL_QUEUE_PREFIX!, LOG_LEVEL: "warn" })];

const target = { namespace: "shop", labelSelector: "app=frontend", count: 1 };
const FAULTS: Array<[string, Record<string, unknown>]> = [
  ["network-latency", { ...target, latencyMs: 300, jitterMs: 50, durationSeconds: 600 }],
  ["network-loss", { ...target, percent: 30, durationSeconds: 600 }],
  ["network-partition", { ...target, destinationSelector: "app=cart", durationSeconds: 600 }],
  ["dns-fault", { ...target, patterns: ["*.example.com"], answer: "nxdomain", durationSeconds: 600 }],
  ["http-fault", { ...target, port: 8080, percent: 50, status: 503, durationSeconds: 600 }],
  ["cpu-pressure", { ...target, cores: 1, durationSeconds: 600 }],
  ["memory-pressure", { ...target, percentOfLimit: 50, durationSeconds: 600 }],
  ["process-kill", { ...target, container: "frontend", repeat: 100, intervalSeconds: 5 }],
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (ms: number) => (ms / 1000).toFixed(2);

const rows: string[] = [];
const allStart: number[] = [];
const allAbort: number[] = [];
for (const [id, params] of FAULTS) {
  const toEffect: number[] = [];
  const toGone: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const { run, plan } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: id, params, planSeed: `bench-${id}-${i}-${process.pid}` });
    const pod = plan.targets[0]!.name;
    const container = `pystol-${String(plan.detail?.faultId)}-0`;
    toEffect.push((await seen(pod, container, "running")) - t0);
    const t1 = performance.now();
    await abortRun(c.teamId, run.id);
    toGone.push((await seen(pod, container, "terminated")) - t1);
    // The next run starts once this one has rolled back (its Lease and account removed).
    for (let n = 0; n < 600; n++) {
      const r = await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { state: true } });
      if (r.state === "ROLLED_BACK" || r.state === "ROLLBACK_FAILED") break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  allStart.push(...toEffect);
  allAbort.push(...toGone);
  rows.push(`| ${id} | ${fmt(pct(toEffect, 50))} | ${fmt(pct(toEffect, 99))} | ${fmt(pct(toGone, 50))} | ${fmt(pct(toGone, 99))} |`);
  console.error(`${id}: done`);
}
rows.push(`| all (n=${allStart.length}) | ${fmt(pct(allStart, 50))} | ${fmt(pct(allStart, 99))} | ${fmt(pct(allAbort, 50))} | ${fmt(pct(allAbort, 99))} |`);

for (const ch of children) await killHard(ch);
await killHard(sandbox.child);
await closeRunQueue();
await closeProducerConnection();
await db.$disconnect();

const load = os.loadavg().map((l) => l.toFixed(1)).join(" / ");
console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average at the end ${load}`);
console.log(`Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${RUNS} runs per fault, one pod each`);
console.log("");
console.log("| fault | start run → effect p50 (s) | p99 (s) | abort → effect gone p50 (s) | p99 (s; target ≤ 2) |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
process.exit(0);
