// npm run bench:experiments — the experiment engine under load: 100 executions at once, each
// with 2 fault steps and 3 during-checks every 2 s, against sandbox clusters (10 clusters, 10
// namespaces each, one experiment per namespace). As in production, the sandbox and the
// worker(s) are processes of their own; this process plays the web app (it starts the
// executions) and reads the results.
//
// Phase "hold": the faults (two deployments scaled 3 → 2) are held 30 s and every check
// passes. Measured over the steady middle of the phase: CPU per check evaluation (CPU of the
// workers, the sandbox, this bench's PostgreSQL backends and every redis-server, per 2 s window,
// divided by the evaluations stored in it; the median over windows) and check start lateness
// (the workers' histogram of start time minus due time, p99 interpolated within its bucket).
// Phase "trip": the first fault scales a deployment to 0, so the HTTP check to its service
// fails and trips; reaction = from the trip (trippedBy.at) to the last of the execution's
// runs in a permanent state (finishedAt), p99 over the 100 executions.
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_bench_experiments";
const EXPERIMENTS = Number(process.env.BENCH_EXPERIMENTS ?? 100);
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const HOLD_SECONDS = Number(process.env.BENCH_HOLD_SECONDS ?? 30);
// With BENCH_CPU_PROF_DIR each worker writes a V8 CPU profile there when it stops.
const INTERVAL = 2;
process.env.DATABASE_URL = DB_URL;
process.env.PYSTOL_QUEUE_PREFIX = `pystol-bench-exp-${process.pid}`;
process.env.LOG_LEVEL = "warn";
await dropDatabase(DB_URL);
await deployMigrations(DB_URL);

const { db } = await import("@/lib/db");
const { createTestCluster } = await import("@/lib/runs/testing/harness");
const { SandboxAdminClient } = await import("@/lib/sandbox/admin-client");
const { closeRunQueue } = await import("@/lib/runs");
const { closeProducerConnection } = await import("@/lib/queue");
const { freePort, startWorkerProcess, startSandboxProcess, stopGracefully } = await import("@/lib/runs/testing/processes");
const { startExecution, closeExperimentQueues, VERDICT_STATES } = await import("@/lib/experiments");
const { contextOf, saveExperiment } = await import("@/lib/experiments/testing/harness");

const sandbox = await startSandboxProcess();
const children: ChildProcess[] = [];
// A bench that fails half-way must not leave its sandbox and workers running (a worker left
// behind would sweep the next bench's executions in the same database).
process.on("exit", () => {
  for (const ch of [...children, sandbox.child]) if (ch.exitCode === null && ch.signalCode === null) ch.kill("SIGKILL");
});
process.on("uncaughtException", (err) => {
  console.error(err);
  process.exit(1);
});
process.on("unhandledRejection", (err) => {
  console.error(err);
  process.exit(1);
});
process.env.SANDBOX_ADMIN_URL = sandbox.adminUrl;
process.env.SANDBOX_ADMIN_TOKEN = sandbox.adminToken;
const sb = { admin: new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken) };

// ---- clusters: 10 namespaces each, with deployments a and b (3 replicas) and a service for a
const perCluster = Math.ceil(EXPERIMENTS / CLUSTERS);
const slots: { teamId: string; clusterId: string; ns: string }[] = [];
for (let k = 0; k < CLUSTERS; k++) {
  const c = await createTestCluster(sb, { maxConcurrentRuns: 100_000, confirmThreshold: 1000, blastRadiusLimit: 1000 }, undefined, { requestsPerSecond: 1_000_000, requestBurst: 1_000_000, maxWatches: 100_000 });
  const kc = new KubeConfig();
  kc.loadFromString(await sb.admin.getKubeconfig(c.sandboxId));
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  for (let i = 0; i < perCluster && slots.length < EXPERIMENTS; i++) {
    const ns = `exp-${i}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    for (const name of ["a", "b"]) {
      await apps.createNamespacedDeployment({
        namespace: ns,
        body: {
          metadata: { name },
          spec: {
            replicas: 3,
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox:1.36", ports: [{ name: "http", containerPort: 8080 }] }] } },
          },
        },
      });
    }
    await core.createNamespacedService({ namespace: ns, body: { metadata: { name: "a" }, spec: { selector: { app: "a" }, ports: [{ name: "http", port: 80, targetPort: "http" }] } } });
    slots.push({ teamId: c.teamId, clusterId: c.clusterId, ns });
  }
}
// Every deployment Ready before the clock starts.
for (;;) {
  const ready = await Promise.all(
    [...new Set(slots.map((s) => s.clusterId))].map(async (clusterId) => {
      const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
      const kc = new KubeConfig();
      kc.loadFromString(await sb.admin.getKubeconfig(row.sandboxClusterId!));
      const list = await kc.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces();
      return list.items.filter((d) => d.metadata?.namespace?.startsWith("exp-")).every((d) => d.status?.availableReplicas === 3);
    }),
  );
  if (ready.every(Boolean)) break;
  await new Promise((r) => setTimeout(r, 200));
}

const metricsPorts: number[] = [];
const workerEnv = {
  SANDBOX_ADMIN_URL: sandbox.adminUrl,
  SANDBOX_ADMIN_TOKEN: sandbox.adminToken,
  DATABASE_URL: DB_URL,
  PYSTOL_QUEUE_PREFIX: process.env.PYSTOL_QUEUE_PREFIX!,
  LOG_LEVEL: "warn",
  RUN_CONCURRENCY: "400",
};
while (children.length < WORKERS) {
  const port = await freePort();
  metricsPorts.push(port);
  children.push(await startWorkerProcess({ ...workerEnv, WORKER_HEALTH_PORT: String(port) }, { cpuProfileDir: process.env.BENCH_CPU_PROF_DIR }));
}

// ---- CPU (user + system ms) from /proc, as bench:runs measures it
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}
function cpuOfCommand(command: string): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === command) total += cpuMs(Number(pid));
    } catch {
      // ended meanwhile
    }
  }
  return total;
}
async function machineCpu(): Promise<{ total: number; parts: Record<string, number> }> {
  const backends = await db.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
  const parts: Record<string, number> = {
    workers: children.reduce((n, ch) => n + cpuMs(ch.pid), 0),
    sandbox: cpuMs(sandbox.child.pid),
    postgres: backends.reduce((n, b) => n + cpuMs(b.pid), 0),
    redis: cpuOfCommand("redis-server"),
  };
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

// Time a process spent runnable but waiting for a CPU (ms, /proc/<pid>/schedstat): on a shared
// machine this says whether the bench's processes were starved by others rather than slow.
function runQueueWaitMs(pid: number | undefined): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e6;
  } catch {
    return 0;
  }
}
const waitOf = () => ({ workers: children.reduce((n, ch) => n + runQueueWaitMs(ch.pid), 0), sandbox: runQueueWaitMs(sandbox.child.pid) });

// ---- the workers' lateness histogram
type Buckets = Map<number, number>;
async function latenessBuckets(): Promise<Buckets> {
  const all: Buckets = new Map();
  for (const port of metricsPorts) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const m of text.matchAll(/^pystol_experiment_check_lateness_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)) {
      const le = m[1] === "+Inf" ? Infinity : Number(m[1]);
      all.set(le, (all.get(le) ?? 0) + Number(m[2]));
    }
  }
  return all;
}
function quantile(before: Buckets, after: Buckets, q: number): { value: number; count: number } {
  const les = [...after.keys()].sort((a, b) => a - b);
  const counts = les.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts.at(-1) ?? 0;
  const rank = q * total;
  for (let i = 0; i < les.length; i++) {
    if (counts[i]! >= rank) {
      const lo = i === 0 ? 0 : les[i - 1]!;
      const hi = les[i]!;
      if (!Number.isFinite(hi)) return { value: lo, count: total };
      const below = i === 0 ? 0 : counts[i - 1]!;
      const inBucket = counts[i]! - below;
      return { value: lo + ((hi - lo) * (rank - below)) / Math.max(1, inBucket), count: total };
    }
  }
  return { value: NaN, count: total };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

function definition(ns: string, trip: boolean) {
  const checkEvery = { mode: "during" as const, intervalSeconds: INTERVAL, tolerance: { failures: 0 } };
  return {
    stages: [
      {
        name: "lose replicas",
        faults: [
          { actionId: "deployment-scale", params: { namespace: ns, name: "a", replicas: trip ? 0 : 2, durationSeconds: 600 }, durationSeconds: HOLD_SECONDS },
          { actionId: "deployment-scale", params: { namespace: ns, name: "b", replicas: 2, durationSeconds: 600 }, durationSeconds: HOLD_SECONDS },
        ],
      },
    ],
    checks: [
      { name: "a answers", type: "http" as const, ...checkEvery, target: { kind: "service" as const, namespace: ns, service: "a", port: "http", path: "/" } },
      { name: "a available", type: "kubernetes" as const, ...checkEvery, tolerance: { failures: 1000 }, check: { condition: "workload-available" as const, workload: "Deployment" as const, namespace: ns, name: "a", minAvailable: 0 } },
      { name: "b ready", type: "kubernetes" as const, ...checkEvery, check: { condition: "pods-ready" as const, namespace: ns, selector: "app=b", minReadyPercent: 50 } },
    ],
    recoveryWindowSeconds: 0,
    maxDurationSeconds: 600,
  };
}

// The experiments are saved before the clock starts; their executions are then started by 16
// callers at once, as many people pressing Run would.
async function saveAll(trip: boolean): Promise<{ slot: (typeof slots)[number]; experimentId: string }[]> {
  const out = [];
  for (const slot of slots) out.push({ slot, experimentId: (await saveExperiment(await contextOf(slot), slot, definition(slot.ns, trip))).id });
  return out;
}
async function startAll(saved: Awaited<ReturnType<typeof saveAll>>): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const caller = async () => {
    while (next < saved.length) {
      const i = next++;
      const { slot, experimentId } = saved[i]!;
      ids[i] = (await startExecution(await contextOf(slot), experimentId)).id;
    }
  };
  await Promise.all(Array.from({ length: 16 }, caller));
  return ids;
}
async function waitAll(ids: string[]): Promise<void> {
  for (;;) {
    const open = await db.experimentExecution.count({ where: { id: { in: ids }, state: { notIn: [...VERDICT_STATES] } } });
    if (open === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---- phase hold
const holdExperiments = await saveAll(false);
const tripExperiments = await saveAll(true);
console.log(`phase hold: ${EXPERIMENTS} executions, faults held ${HOLD_SECONDS} s`);
const holdIds = await startAll(holdExperiments);
// The steady middle: every execution observing, until a few seconds before the faults end.
for (;;) {
  const observing = await db.experimentExecution.count({ where: { id: { in: holdIds }, state: "OBSERVING" } });
  if (observing === holdIds.length) break;
  await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, 2 * INTERVAL * 1000));
const windowSeconds = Math.max(4, HOLD_SECONDS - 4 * INTERVAL - 6);
const lat0 = await latenessBuckets();
const wait0 = waitOf();
const windowStart = performance.now();
const perEvaluation: number[] = [];
const partTotals: Record<string, number> = {};
let evaluations = 0;
let prev = await machineCpu();
let prevAt = new Date();
for (let t = 0; t < windowSeconds; t += INTERVAL) {
  await new Promise((r) => setTimeout(r, INTERVAL * 1000));
  const now = await machineCpu();
  const at = new Date();
  const n = await db.checkSample.count({ where: { executionId: { in: holdIds }, phase: "during", at: { gte: prevAt, lt: at } } });
  if (n > 0) perEvaluation.push((now.total - prev.total) / n);
  for (const [k, v] of Object.entries(now.parts)) partTotals[k] = (partTotals[k] ?? 0) + v - (prev.parts[k] ?? 0);
  evaluations += n;
  prev = now;
  prevAt = at;
}
const lat1 = await latenessBuckets();
const wait1 = waitOf();
const windowMs = performance.now() - windowStart;
await waitAll(holdIds);
const holdVerdicts = await db.experimentExecution.groupBy({ by: ["state"], where: { id: { in: holdIds } }, _count: true });
const p99Late = quantile(lat0, lat1, 0.99);
const p50Late = quantile(lat0, lat1, 0.5);

// ---- phase trip
console.log(`phase trip: ${EXPERIMENTS} executions whose HTTP check trips`);
const tripIds = await startAll(tripExperiments);
await waitAll(tripIds);
const tripped = await db.experimentExecution.findMany({ where: { id: { in: tripIds } }, select: { id: true, state: true, trippedBy: true, reason: true } });
const reactions: number[] = [];
for (const e of tripped) {
  const at = (e.trippedBy as { at?: string } | null)?.at;
  if (!at) continue;
  const last = await db.run.aggregate({ where: { executionId: e.id }, _max: { finishedAt: true } });
  reactions.push(last._max.finishedAt!.getTime() - new Date(at).getTime());
}
const left = await db.run.count({ where: { executionId: { in: tripIds }, state: { notIn: ["ROLLED_BACK", "CANCELLED", "SUCCEEDED"] } } });
const tripVerdicts = tripped.reduce<Record<string, number>>((m, e) => ((m[e.state] = (m[e.state] ?? 0) + 1), m), {});

const cpuMedian = pct(perEvaluation, 50);
console.log("\nresults");
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString()}; load ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")}`);
console.log(`workers: ${WORKERS}; clusters: ${CLUSTERS}; executions per phase: ${EXPERIMENTS}`);
console.log(`hold verdicts: ${JSON.stringify(holdVerdicts.map((v) => [v.state, v._count]))}`);
console.log(`evaluations in the window: ${evaluations} over ${windowSeconds} s (${(evaluations / windowSeconds).toFixed(1)}/s; expected ${((EXPERIMENTS * 3) / INTERVAL).toFixed(0)}/s)`);
console.log(`CPU ms per check evaluation, median of ${perEvaluation.length} windows: ${cpuMedian.toFixed(2)} (min ${Math.min(...perEvaluation).toFixed(2)}, max ${Math.max(...perEvaluation).toFixed(2)})`);
console.log(`  by process over the window, ms per evaluation: ${Object.entries(partTotals).map(([k, v]) => `${k} ${(v / Math.max(1, evaluations)).toFixed(2)}`).join(", ")}`);
console.log(
  `  waiting for a CPU while runnable, ms per second of the window: workers ${((wait1.workers - wait0.workers) / (windowMs / 1000)).toFixed(0)}, sandbox ${((wait1.sandbox - wait0.sandbox) / (windowMs / 1000)).toFixed(0)}; CPU used, ms per second: workers ${((partTotals.workers ?? 0) / (windowMs / 1000)).toFixed(0)}, sandbox ${((partTotals.sandbox ?? 0) / (windowMs / 1000)).toFixed(0)}`,
);
console.log(`check start lateness: p50 ${(p50Late.value * 1000).toFixed(1)} ms, p99 ${(p99Late.value * 1000).toFixed(1)} ms (n=${p99Late.count}; target p99 ≤ 250 ms)`);
console.log(`trip verdicts: ${JSON.stringify(tripVerdicts)}; runs not rolled back: ${left}`);
console.log(`reaction trip → every fault rolled back: p50 ${pct(reactions, 50)} ms, p99 ${pct(reactions, 99)} ms, max ${Math.max(...reactions)} ms (n=${reactions.length}; target p99 ≤ 2000 ms)`);

for (const ch of children) await stopGracefully(ch);
await stopGracefully(sandbox.child);
await closeExperimentQueues();
await closeRunQueue();
await closeProducerConnection();
await db.$disconnect();
process.exit(0);
