// npm run bench:processes — resident memory and CPU of each Pystol process, idle and under a
// small load, the figures the Kubernetes manifests' requests and limits come from
// (deploy/kubernetes, BENCHMARKS.md "Kubernetes resources").
// Starts the processes as the container image and `npm run up` do — the sandbox and the worker
// with `node --import tsx`, the web app with `node server.mjs` (WEB_CONCURRENCY=1, as the
// manifests set it), TRIAL_POOL_SIZE=10 — on free ports, with a database of its own
// (pystol_bench_processes, rebuilt) and a Redis key prefix of its own. Then:
//   idle   BENCH_IDLE_S (30) seconds with nothing to do;
//   load   BENCH_LOAD_S (60) seconds of "Try it now" every BENCH_TRIAL_EVERY_MS (2000) ms, each
//          visitor opening its cluster's page twice (the web app renders, the sandbox serves the
//          trial clusters, the worker refills the pool and expires trials);
// and the migration alone on an empty database. Needs a production build (`npx next build`).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 30);
const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 60);
const TRIAL_EVERY_MS = Number(process.env.BENCH_TRIAL_EVERY_MS ?? 2000);
const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_bench_processes";
if (!existsSync(".next/BUILD_ID")) {
  console.error("No production build: run `npx next build` first.");
  process.exit(2);
}

// The migration first, alone, on an empty database: its peak memory and CPU (GNU time).
await dropDatabase(DB_URL);
const timed = spawnSync("/usr/bin/time", ["-f", "%M %e %U %S", process.execPath, "--import", "tsx", "prisma/migrate.ts", "deploy"], {
  env: { ...process.env, DATABASE_URL: DB_URL, LOG_LEVEL: "warn" },
  encoding: "utf8",
});
const [maxKiB, wallS, userS, sysS] = (timed.stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
const migration = { peakMiB: maxKiB! / 1024, wallS: wallS!, cpuS: userS! + sysS! };
if (timed.status !== 0) throw new Error(`the migration failed: ${timed.stderr}`);

process.env.DATABASE_URL = DB_URL;
process.env.PYSTOL_QUEUE_PREFIX = `pystol-bench-processes-${process.pid}`;
process.env.LOG_LEVEL = "warn";
// (NODE_ENV is read-only in the types: Next.js declares it.)
Object.assign(process.env, { NODE_ENV: "production" });
process.env.TRIAL_POOL_SIZE = "10";
process.env.PYSTOL_ENCRYPTION_KEYS = `k1:${randomBytes(32).toString("base64")}`;
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
await deployMigrations(DB_URL);

const { startSandboxProcess, startWorkerProcess, startWebProcess, stopGracefully } = await import("@/lib/runs/testing/processes");
const sandbox = await startSandboxProcess();
process.env.SANDBOX_ADMIN_URL = sandbox.adminUrl;
process.env.SANDBOX_ADMIN_TOKEN = sandbox.adminToken;
process.env.PYSTOL_KUBE_ALLOWED_CIDRS = "127.0.0.1/32";
const worker = await startWorkerProcess({ WORKER_HEALTH_PORT: "0" });
const { child: web, base } = await startWebProcess({
  env: { WEB_CONCURRENCY: "1", PYSTOL_TRUSTED_PROXY_HOPS: "1", TRIAL_MAX_ACTIVE: "10000", TRIAL_PER_IP_PER_HOUR: "1000" },
});
process.on("exit", () => {
  for (const c of [web, worker, sandbox.child]) if (c.exitCode === null && !c.killed) c.kill("SIGTERM");
});

// --- sampling: RSS and CPU time of each process tree, from /proc
const TICK_MS = 10; // USER_HZ = 100
function stat(pid: number) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM") };
  } catch {
    return null;
  }
}
function tree(root: number) {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((d) => ({ pid: Number(d), st: stat(Number(d)) }));
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all)
      if (p.st && !inTree.has(p.pid) && inTree.has(p.st.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
  }
  const members = all.filter((p) => inTree.has(p.pid) && p.st);
  return {
    cpuMs: members.reduce((s, p) => s + p.st!.cpuMs, 0),
    rssMiB: members.reduce((s, p) => s + p.st!.rssKiB, 0) / 1024,
    hwmMiB: members.reduce((s, p) => s + p.st!.hwmKiB, 0) / 1024,
  };
}
const PROCS = { web: web.pid!, worker: worker.pid!, sandbox: sandbox.child.pid! };
type Name = keyof typeof PROCS;
const NAMES = Object.keys(PROCS) as Name[];

interface Window {
  rss: Record<Name, number[]>;
  cpu: Record<Name, number[]>; // millicores, one per second
}
async function sample(seconds: number, during?: () => Promise<void>): Promise<Window> {
  const w: Window = { rss: { web: [], worker: [], sandbox: [] }, cpu: { web: [], worker: [], sandbox: [] } };
  const work = during ? during() : Promise.resolve();
  const last = Object.fromEntries(NAMES.map((n) => [n, tree(PROCS[n]).cpuMs])) as Record<Name, number>;
  let lastAt = performance.now();
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = performance.now();
    for (const n of NAMES) {
      const t = tree(PROCS[n]);
      w.rss[n].push(t.rssMiB);
      w.cpu[n].push(((t.cpuMs - last[n]) / (now - lastAt)) * 1000);
      last[n] = t.cpuMs;
    }
    lastAt = now;
  }
  await work;
  return w;
}

// One visitor: the form post, then the cluster's page twice.
let trialsOk = 0;
let trialsFailed = 0;
async function visitor(i: number) {
  const ip = `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const res = await fetch(`${base}/try`, { method: "POST", redirect: "manual", headers: { "x-forwarded-for": ip } });
  const location = res.headers.get("location") ?? "";
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  if (res.status !== 303 || !location.startsWith("/t/")) return void trialsFailed++;
  for (let k = 0; k < 2; k++) {
    const page = await fetch(`${base}${location}`, { headers: { cookie, "x-forwarded-for": ip } });
    await page.text();
    if (page.status !== 200) return void trialsFailed++;
  }
  trialsOk++;
}

// Settle: the worker fills the trial pool at start; wait until the sandbox holds it.
const clusterCount = async () =>
  ((await fetch(`${sandbox.adminUrl}/clusters`, { headers: { authorization: `Bearer ${sandbox.adminToken}` } }).then((r) => r.json())) as { items: unknown[] }).items.length;
for (let i = 0; i < 120 && (await clusterCount()) < 11; i++) await new Promise((r) => setTimeout(r, 1000));
await fetch(`${base}/`).then((r) => r.text());
await visitor(100_000); // warm-up: every route of a trial loaded once
await new Promise((r) => setTimeout(r, 5000));

const loadBefore = os.loadavg()[0]!;
const idle = await sample(IDLE_S);
const load = await sample(LOAD_S, async () => {
  const pending: Promise<void>[] = [];
  const end = performance.now() + LOAD_S * 1000;
  for (let i = 0; performance.now() < end; i++) {
    pending.push(visitor(i).catch(() => void trialsFailed++));
    await new Promise((r) => setTimeout(r, TRIAL_EVERY_MS));
  }
  await Promise.all(pending);
});
const peak = Object.fromEntries(NAMES.map((n) => [n, tree(PROCS[n]).hwmMiB])) as Record<Name, number>;
const loadAfter = os.loadavg()[0]!;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const max = (xs: number[]) => Math.max(...xs);
// The busiest 5 s of a window, in millicores.
const busiest = (xs: number[]) => Math.max(...xs.map((_, i) => mean(xs.slice(i, i + 5))).slice(0, Math.max(1, xs.length - 4)));
const f0 = (x: number) => x.toFixed(0);

console.log(`\n## Kubernetes resources: each process, idle and under a small load\n`);
console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${f0(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16)} UTC; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (shared machine).`);
console.log(`Load: "Try it now" every ${TRIAL_EVERY_MS} ms for ${LOAD_S} s, each visitor opening its cluster's page twice: ${trialsOk} trials answered, ${trialsFailed} failed. Idle: ${IDLE_S} s.\n`);
console.log(`| process | RSS idle (MiB) | RSS under load, max (MiB) | peak RSS incl. start (VmHWM, MiB) | CPU idle (millicores) | CPU under load, mean (millicores) | CPU, busiest 5 s (millicores) |`);
console.log(`| --- | --: | --: | --: | --: | --: | --: |`);
for (const n of NAMES)
  console.log(`| ${n} | ${f0(mean(idle.rss[n]))} | ${f0(max(load.rss[n]))} | ${f0(peak[n])} | ${f0(mean(idle.cpu[n]))} | ${f0(mean(load.cpu[n]))} | ${f0(busiest(load.cpu[n]))} |`);
console.log(`| migration (empty database) | | | ${f0(migration.peakMiB)} | | ${f0((migration.cpuS / migration.wallS) * 1000)} over ${migration.wallS.toFixed(1)} s | |`);

await Promise.all([stopGracefully(web), stopGracefully(worker), stopGracefully(sandbox.child)]);
process.exit(0);
