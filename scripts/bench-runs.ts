// npm run bench:runs — fault latency and run throughput against an in-process sandbox.
// Latency: from the call that starts a pod-kill run to the pod's deletion seen by a watch,
// beside a direct @kubernetes/client-node delete of a pod of the same deployment, alternated,
// 200 of each. Throughput: pod-kill runs completed per second with 1 and 2 worker processes.
// Uses its own database (pystol_bench, rebuilt) and its own Redis key prefix. As in
// production, the sandbox and each worker are processes of their own; this process plays the
// web app (it starts the runs) and the watcher.
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { AppsV1Api, CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_bench";
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 200);
const THROUGHPUT_RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 1000);
// With BENCH_CPU_PROF_DIR each worker and the sandbox write a CPU profile there (for this
// process, run node with --cpu-prof yourself).
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
process.env.DATABASE_URL = DB_URL;
process.env.PYSTOL_QUEUE_PREFIX = `pystol-bench-${process.pid}`;
process.env.LOG_LEVEL = "warn";
await dropDatabase(DB_URL);
await deployMigrations(DB_URL);

const { db } = await import("@/lib/db");
const { createTestCluster } = await import("@/lib/runs/testing/harness");
const { SandboxAdminClient } = await import("@/lib/sandbox/admin-client");
const { startRun, closeRunQueue } = await import("@/lib/runs");
const { closeProducerConnection } = await import("@/lib/queue");
const { startWorkerProcess, startSandboxProcess, stopGracefully } = await import("@/lib/runs/testing/processes");

const sandbox = await startSandboxProcess({ cpuProfileDir: CPU_PROF_DIR });
process.env.SANDBOX_ADMIN_URL = sandbox.adminUrl;
process.env.SANDBOX_ADMIN_TOKEN = sandbox.adminToken;
const sb = { admin: new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken) };
// The benchmark measures the machine, not a team's share of the sandbox: no rate or watch limit.
const c = await createTestCluster(sb, { maxConcurrentRuns: 100_000, confirmThreshold: 1000, blastRadiusLimit: 1000 }, undefined, { requestsPerSecond: 1_000_000, requestBurst: 1_000_000, maxWatches: 100_000 });
const kubeconfig = await sb.admin.getKubeconfig(c.sandboxId);
const kc = new KubeConfig();
kc.loadFromString(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);

await core.createNamespace({ body: { metadata: { name: "bench" } } });
await apps.createNamespacedDeployment({
  namespace: "bench",
  body: {
    metadata: { name: "target" },
    spec: {
      replicas: 60,
      selector: { matchLabels: { app: "target" } },
      template: { metadata: { labels: { app: "target" } }, spec: { containers: [{ name: "c", image: "busybox:1.36" }] } },
    },
  },
});

// Deletions seen by a watch, by pod name.
const deletedAt = new Map<string, number>();
const waiters = new Map<string, (t: number) => void>();
await new Watch(kc).watch("/api/v1/namespaces/bench/pods", {}, (phase, obj: { metadata?: { name?: string } }) => {
  const name = obj.metadata?.name ?? "";
  if (phase !== "DELETED") return;
  const t = performance.now();
  deletedAt.set(name, t);
  waiters.get(name)?.(t);
}, () => undefined);
const seen = (name: string) => new Promise<number>((resolve) => {
  const t = deletedAt.get(name);
  if (t !== undefined) resolve(t);
  else waiters.set(name, resolve);
});
const livePods = async () => (await core.listNamespacedPod({ namespace: "bench", labelSelector: "app=target" })).items.filter((p) => p.status?.phase === "Running" && !p.metadata?.deletionTimestamp);
async function settle(): Promise<void> {
  for (let i = 0; i < 200 && (await livePods()).length < 60; i++) await new Promise((r) => setTimeout(r, 50));
}

const workerEnv = { SANDBOX_ADMIN_URL: sandbox.adminUrl, SANDBOX_ADMIN_TOKEN: sandbox.adminToken, DATABASE_URL: DB_URL, PYSTOL_QUEUE_PREFIX: process.env.PYSTOL_QUEUE_PREFIX!, LOG_LEVEL: "warn" };
const children: ChildProcess[] = [];
async function workers(n: number) {
  while (children.length < n) children.push(await startWorkerProcess(workerEnv, { cpuProfileDir: CPU_PROF_DIR }));
}

// CPU time (user + system, ms) of a process, from /proc (Linux): per-run CPU by process is
// steadier than runs/s on a shared machine, and says where the time goes.
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}
// PostgreSQL: the backends serving this bench's database (its processes' pools, which stay
// open for the whole phase); Redis: every redis-server on the machine (on a shared machine,
// others' commands count too). So the whole cost of a run is on one line.
async function postgresBackends(): Promise<number[]> {
  const rows = await db.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  return rows.map((r) => r.pid);
}
function cpuOfCommand(command: string): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === command) total += cpuMs(Number(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}
// Backends opened during the phase (pools grow on demand) count from zero.
const cpuOf = async () => [
  ...[["bench (startRun)", process.pid], ["sandbox", sandbox.child.pid], ...children.map((ch, i) => [`worker ${i + 1}`, ch.pid] as const)].map(([name, pid]) => [name, cpuMs(pid as number)] as const),
  ["postgres (bench db)", (await postgresBackends()).reduce((sum, pid) => sum + (cpuMs(pid) || 0), 0)] as const,
  ["redis (all)", cpuOfCommand("redis-server")] as const,
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

// ---- latency, one worker process
await workers(1);
const direct: number[] = [];
const viaRun: number[] = [];
for (let i = 0; i < LATENCY_RUNS + 10; i++) {
  await settle();
  const pod = (await livePods())[0]!.metadata!.name!;
  let t0 = performance.now();
  await core.deleteNamespacedPod({ name: pod, namespace: "bench", gracePeriodSeconds: 0 });
  const d = (await seen(pod)) - t0;
  await settle();
  t0 = performance.now();
  const { plan } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "pod-kill", params: { namespace: "bench", labelSelector: "app=target", count: 1 } });
  const r = (await seen(plan.targets[0]!.name)) - t0;
  if (i >= 10) { direct.push(d); viaRun.push(r); } // the first ten warm connections and caches
}

console.log(`latency: ${viaRun.length} runs measured`);
// ---- throughput with 1 and 2 worker processes
// Submits `count` pod-kill runs from 16 callers at once and waits until all have ended.
async function runBatch(count: number, label: string): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  const submit = async () => {
    while (next < count) {
      next++;
      await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "pod-kill", params: { namespace: "bench", labelSelector: "app=target", count: 1 } });
    }
  };
  await Promise.all(Array.from({ length: 16 }, submit));
  console.log(`${label}: submitted ${count} runs in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  for (let i = 0; ; i++) {
    const done = await db.run.count({ where: { teamId: c.teamId, state: { in: ["SUCCEEDED", "FAILED", "ROLLED_BACK", "ROLLBACK_FAILED"] } } });
    if (done >= count) break;
    if (i % 250 === 0) console.log(`  ${done} done`, await db.run.groupBy({ by: ["state"], where: { teamId: c.teamId }, _count: true }));
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Workers in production run for days: each phase starts with warm workers (a newly started
// one has not compiled its hot code or opened its connections yet), as the one-worker phase
// already does after the latency runs. The warm-up runs are not counted.
const WARMUP_RUNS = Number(process.env.BENCH_WARMUP_RUNS ?? 200);

async function throughput(n: number): Promise<number> {
  await workers(n);
  await db.run.deleteMany({ where: { teamId: c.teamId } });
  await settle();
  if (WARMUP_RUNS > 0) {
    await runBatch(WARMUP_RUNS, `warm-up, ${n} worker(s)`);
    await db.run.deleteMany({ where: { teamId: c.teamId } });
    await settle();
  }
  const cpu0 = await cpuOf();
  const t0 = performance.now();
  await runBatch(THROUGHPUT_RUNS, `throughput, ${n} worker(s)`);
  const secs = (performance.now() - t0) / 1000;
  const failed = await db.run.count({ where: { teamId: c.teamId, state: { not: "SUCCEEDED" } } });
  console.log(`throughput ${n} worker(s): ${THROUGHPUT_RUNS} runs in ${secs.toFixed(2)} s, ${failed} not succeeded`);
  console.log(`  CPU ms per run: ${(await cpuOf()).map(([name, ms], i) => `${name} ${((ms - cpu0[i]![1]) / THROUGHPUT_RUNS).toFixed(2)}`).join(", ")}`);
  // Each worker's CPU over the runs it carried out itself.
  const byWorker = await db.run.groupBy({ by: ["workerId"], where: { teamId: c.teamId }, _count: true });
  const cpu1 = await cpuOf();
  const own = children.map((ch, i) => {
    const runs = byWorker.find((b) => b.workerId?.endsWith(`:${ch.pid}`))?._count ?? 0;
    const ms = cpu1[2 + i]![1] - cpu0[2 + i]![1];
    return `worker ${i + 1} ${runs} runs, ${(ms / Math.max(1, runs)).toFixed(2)} ms each`;
  });
  console.log(`  by worker: ${own.join("; ")}`);
  return THROUGHPUT_RUNS / secs;
}
const one = await throughput(1);
const two = await throughput(2);

const f = (x: number) => x.toFixed(1);
const overhead = pct(viaRun, 50) - pct(direct, 50);
const table = [
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; date ${new Date().toISOString().slice(0, 10)}`,
  "",
  "| measurement | p50 | p99 |",
  "| --- | --- | --- |",
  `| direct client-node delete → watch DELETED (ms, n=${direct.length}) | ${f(pct(direct, 50))} | ${f(pct(direct, 99))} |`,
  `| startRun(pod-kill) → watch DELETED (ms, n=${viaRun.length}) | ${f(pct(viaRun, 50))} | ${f(pct(viaRun, 99))} |`,
  `| median overhead of a run (ms; target ≤ 25) | ${f(overhead)} | |`,
  "",
  "| pod-kill runs completed per second | runs/s |",
  "| --- | --- |",
  `| 1 worker process (${THROUGHPUT_RUNS} runs) | ${f(one)} |`,
  `| 2 worker processes (${THROUGHPUT_RUNS} runs; target ≥ 100) | ${f(two)} |`,
].join("\n");
console.log(table);

// A graceful stop, so that profiled workers write their profiles.
await Promise.all(children.map(stopGracefully));
await closeRunQueue();
await closeProducerConnection();
sandbox.child.kill("SIGTERM");
await db.$disconnect();
process.exit(0);
