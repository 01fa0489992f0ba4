// npm run bench:schedules — 1,000 schedules due at the same second, fired by two worker
// processes (the schedules queue only: each firing records its due time and starts a run,
// recorded QUEUED and queued; the runs themselves are not executed). Reports whether every
// due time fired and none twice, lateness p50/p99 (from the due time to the firing recorded
// with its run), and the CPU of the two worker processes per fired schedule.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import os from "node:os";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_bench_schedules";
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 1000);
const TEAMS = Number(process.env.BENCH_TEAMS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const LEAD_SECONDS = Number(process.env.BENCH_LEAD_SECONDS ?? 60);
process.env.DATABASE_URL = DB_URL;
process.env.PYSTOL_QUEUE_PREFIX = `pystol-bench-sched-${process.pid}`;
process.env.LOG_LEVEL = "warn";
await dropDatabase(DB_URL);
await deployMigrations(DB_URL);

const { db } = await import("@/lib/db");
const { startTestSandbox, createTestCluster } = await import("@/lib/runs/testing/harness");
const { closeRunQueue } = await import("@/lib/runs");
const { runQueue } = await import("@/lib/runs/run-queue");
const { scheduleQueue } = await import("@/lib/schedules/queue");
const { closeProducerConnection } = await import("@/lib/queue");
const { createSchedule, closeScheduleQueue } = await import("@/lib/schedules");

const CLK_TCK = 100;
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function startWorker(): Promise<ChildProcess> {
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the workers (scripts/cpuprofile-summary.mjs).
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "scripts/bench-schedules-worker.ts"], {
    env: { ...process.env, SCHEDULE_SWEEP_MS: "60000", SCHEDULE_CONCURRENCY: "50" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => c.toString().includes("SCHEDULES_READY") && resolve(child));
    child.once("exit", (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const sandbox = await startTestSandbox();
const workers: ChildProcess[] = [];
try {
  const teams = [];
  for (let i = 0; i < TEAMS; i++) {
    const c = await createTestCluster(sandbox, { maxConcurrentRuns: 10_000 });
    const team = await db.team.findUniqueOrThrow({ where: { id: c.teamId }, select: { id: true, slug: true, name: true, personal: true, isTrial: true } });
    const user = await db.user.create({ data: { email: `bench-${c.teamId}@example.com`, name: "Bench" } });
    teams.push({ c, ctx: { team, role: "OWNER" as const, user: { id: user.id, email: user.email, name: user.name }, tokenId: null } });
  }
  for (let i = 0; i < WORKERS; i++) workers.push(await startWorker());

  // One due time for all: a whole second LEAD_SECONDS ahead, as a seconds-level expression.
  const due = new Date(Math.ceil((Date.now() + LEAD_SECONDS * 1000) / 1000) * 1000);
  const cron = `${due.getUTCSeconds()} ${due.getUTCMinutes()} ${due.getUTCHours()} * * *`;
  const created = performance.now();
  for (let i = 0; i < SCHEDULES; i++) {
    const { c, ctx } = teams[i % TEAMS]!;
    await createSchedule(ctx, { actionId: "pod-kill", clusterId: c.clusterId, params: { namespace: "shop", labelSelector: "app=cart", count: 1 }, cron, timezone: "UTC" });
  }
  console.log(`created ${SCHEDULES} schedules in ${((performance.now() - created) / 1000).toFixed(1)} s; due at ${due.toISOString()}`);
  if (Date.now() > due.getTime() - 2_000) throw new Error("the schedules were not all created before their due time: raise BENCH_LEAD_SECONDS");

  await new Promise((r) => setTimeout(r, due.getTime() - Date.now() - 1_000));
  const cpuBefore = workers.map((w) => cpuSeconds(w.pid!));
  const until = Date.now() + 120_000;
  let done = 0;
  while (Date.now() < until) {
    done = await db.scheduleFiring.count({ where: { dueAt: due, status: { not: "FIRING" } } });
    if (done >= SCHEDULES) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const cpu = workers.map((w, i) => cpuSeconds(w.pid!) - cpuBefore[i]!).reduce((a, b) => a + b, 0);

  const firings = await db.scheduleFiring.findMany({ where: { dueAt: due }, select: { scheduleId: true, status: true, skipCode: true, reason: true, firedAt: true } });
  const fired = firings.filter((f) => f.status === "FIRED");
  const perSchedule = await db.scheduleFiring.groupBy({ by: ["scheduleId"], _count: { _all: true } });
  const twice = perSchedule.filter((g) => g._count._all > 1).length;
  const runs = await db.run.groupBy({ by: ["scheduleId"], where: { scheduleId: { not: null } }, _count: { _all: true } });
  const runsTwice = runs.filter((g) => g._count._all > 1).length;
  const lateness = fired.map((f) => f.firedAt.getTime() - due.getTime()).sort((a, b) => a - b);
  const skipped = firings.filter((f) => f.status === "SKIPPED");

  console.log("");
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; ${new Date().toISOString()}`);
  console.log(`schedules due at the same second: ${SCHEDULES} (${TEAMS} teams), worker processes: ${WORKERS}`);
  console.log(`fired: ${fired.length}; skipped: ${skipped.length}${skipped[0] ? ` (e.g. ${skipped[0].skipCode}: ${skipped[0].reason})` : ""}; missing: ${SCHEDULES - firings.length}`);
  console.log(`due times recorded twice: ${twice}; schedules with more than one run: ${runsTwice}; runs started: ${runs.reduce((a, g) => a + g._count._all, 0)}`);
  if (lateness.length) console.log(`lateness: p50 ${(pct(lateness, 50) / 1000).toFixed(2)} s, p99 ${(pct(lateness, 99) / 1000).toFixed(2)} s, max ${(lateness.at(-1)! / 1000).toFixed(2)} s`);
  console.log(`CPU of the worker processes: ${cpu.toFixed(2)} s in all, ${((cpu / Math.max(1, fired.length)) * 1000).toFixed(2)} ms per fired schedule`);
  process.exitCode = fired.length === SCHEDULES && twice === 0 && runsTwice === 0 ? 0 : 1;
} finally {
  for (const w of workers) {
    if (w.exitCode !== null) continue;
    const exited = once(w, "exit");
    w.kill("SIGTERM");
    await exited;
  }
  // The bench's queues (its own key prefix) hold 1,000 queued runs and the schedulers: gone with it.
  await scheduleQueue().obliterate({ force: true }).catch(() => undefined);
  await runQueue().obliterate({ force: true }).catch(() => undefined);
  await closeScheduleQueue();
  await closeRunQueue();
  await closeProducerConnection();
  await sandbox.server.close();
  await db.$disconnect();
}
