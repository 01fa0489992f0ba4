// npm run bench:trials — 200 "Try it now" at once against the production web app.
// For each trial: POST /try (as its own visitor address) → follow the redirect with the new
// session cookie → the cluster page answered 200 with its HTML. p50/p99 of that time, twice:
// each trial creating its cluster, then with the pool of ready clusters (TRIAL_POOL_SIZE)
// filled beforehand; and the sandbox process's resident memory per trial cluster. Then
// BENCH_SEQUENTIAL (50) trials one at a time, for the web app's CPU per step.
// Profiling: BENCH_WEB_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" (with WEB_CONCURRENCY=1) and
// BENCH_SANDBOX_CPU_PROF=DIR write CPU profiles; each burst's WINDOW is printed for
// scripts/cpuprofile-summary.mjs.
// Needs a production build (`npx next build`). Starts its own sandbox process and the production
// web server (server.mjs: WEB_CONCURRENCY processes, default one per CPU) on free ports with its
// own database (pystol_bench_trials, rebuilt) and Redis key prefix.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const TRIALS = Number(process.env.BENCH_TRIALS ?? 200);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 50);
const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_bench_trials";
if (!existsSync(".next/BUILD_ID")) {
  console.error("No production build: run `npx next build` first.");
  process.exit(2);
}
process.env.DATABASE_URL = DB_URL;
process.env.PYSTOL_QUEUE_PREFIX = `pystol-bench-trials-${process.pid}`;
process.env.LOG_LEVEL = "warn";
await dropDatabase(DB_URL);
await deployMigrations(DB_URL);

const { startSandboxProcess, startWebProcess } = await import("@/lib/runs/testing/processes");

const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
};

// BENCH_SANDBOX_CPU_PROF=DIR: the sandbox writes a CPU profile there as it stops.
const sandbox = await startSandboxProcess({ cpuProfileDir: process.env.BENCH_SANDBOX_CPU_PROF || undefined });
process.env.SANDBOX_ADMIN_URL = sandbox.adminUrl;
process.env.SANDBOX_ADMIN_TOKEN = sandbox.adminToken;
process.env.PYSTOL_KUBE_ALLOWED_CIDRS = "127.0.0.1/32";
// BENCH_WEB_NODE_ARGS: extra Node flags for the web app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
// (Node refuses profiling flags in NODE_OPTIONS).
const webNodeArgs = (process.env.BENCH_WEB_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
// As server.mjs (and so `npm run up`) runs it: one per CPU unless WEB_CONCURRENCY says.
const WEB_PROCESSES = Number(process.env.WEB_CONCURRENCY || os.availableParallelism());
const { child: web, base } = await startWebProcess({
  nodeArgs: webNodeArgs,
  env: {
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    SANDBOX_ADMIN_URL: sandbox.adminUrl,
    SANDBOX_ADMIN_TOKEN: sandbox.adminToken,
    PYSTOL_KUBE_ALLOWED_CIDRS: "127.0.0.1/32",
    // The benchmark plays many visitors from one machine: it stands in for one proxy and
    // writes each visitor's address into X-Forwarded-For.
    PYSTOL_TRUSTED_PROXY_HOPS: "1",
    // Every trial of the run stays active until the end: the two bursts, the warm-up, one at a time.
    TRIAL_MAX_ACTIVE: String(3 * TRIALS + SEQUENTIAL + 100),
    WEB_CONCURRENCY: String(WEB_PROCESSES),
  },
});
// A failed run must not leave the web server behind (it holds this run's output open).
// (Once: a second signal would cut short the web server's own shutdown, and its CPU profile.)
process.on("exit", () => {
  if (!web.killed) web.kill("SIGTERM");
  if (!sandbox.child.killed) sandbox.child.kill("SIGTERM");
});

// One visitor: the form post, then the page it lands on, read to the end.
async function tryItNow(ip: string): Promise<{ ms: number; ok: boolean; why?: string }> {
  const t0 = performance.now();
  const res = await fetch(`${base}/try`, { method: "POST", redirect: "manual", headers: { "x-forwarded-for": ip } });
  const location = res.headers.get("location") ?? "";
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  if (res.status !== 303 || !location.startsWith("/t/") || !cookie) return { ms: performance.now() - t0, ok: false, why: `${res.status} ${location}` };
  const page = await fetch(`${base}${location}`, { headers: { cookie, "x-forwarded-for": ip } });
  const html = await page.text();
  const ok = page.status === 200 && html.includes("demo-shop");
  return { ms: performance.now() - t0, ok, why: ok ? undefined : `page ${page.status}` };
}

// CPU time (user + system) spent by a process and its children so far, and by this
// database's server processes: on a shared machine the on-CPU time per trial is a steadier
// figure than latency, which also counts the time others' work holds the cores.
const TICK_MS = 10; // Linux clock ticks (USER_HZ = 100)
const procStat = (pid: number) => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself hold spaces and parentheses.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return null;
  }
};
const treeCpuMs = (root: number) => {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((d) => ({ pid: Number(d), st: procStat(Number(d)) }));
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (p.st && !inTree.has(p.pid) && inTree.has(p.st.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => inTree.has(p.pid)).reduce((sum, p) => sum + (p.st?.cpu ?? 0), 0);
};
const dbName = new URL(DB_URL).pathname.slice(1);
const pgPids = async () => {
  const { Client } = await import("pg");
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  const r = await c.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [dbName]);
  await c.end();
  return r.rows.map((x) => x.pid);
};
// PostgreSQL backends of this database (they stay open in the web app's pool; a new one
// counts from zero), the web app and the sandbox.
// Backends are compared one by one: one that closes meanwhile (an idle pool connection) must
// not take its earlier CPU time out of the sum.
async function cpuNow() {
  const pg = new Map((await pgPids()).map((pid) => [pid, procStat(pid)?.cpu ?? 0]));
  return { web: treeCpuMs(web.pid!), sandbox: treeCpuMs(sandbox.child.pid!), pg };
}
async function cpuSince(before: Awaited<ReturnType<typeof cpuNow>>, trials: number) {
  const pids = await pgPids();
  const pg = pids.reduce((sum, pid) => sum + Math.max(0, (procStat(pid)?.cpu ?? 0) - (before.pg.get(pid) ?? 0)), 0);
  const per = (x: number) => x / Math.max(1, trials);
  return { web: per(treeCpuMs(web.pid!) - before.web), sandbox: per(treeCpuMs(sandbox.child.pid!) - before.sandbox), pg: per(pg) };
}

const clusterCount = async () =>
  ((await fetch(`${sandbox.adminUrl}/clusters`, { headers: { authorization: `Bearer ${sandbox.adminToken}` } }).then((r) => r.json())) as { items: unknown[] }).items.length;

// TRIALS visitors at once, each from an address of its own.
// The stretch of each burst on the monotonic clock, in microseconds: what cpuprofile-summary's
// WINDOW takes, to read one burst out of the web app's CPU profile (BENCH_WEB_NODE_ARGS).
const microseconds = () => String(process.hrtime.bigint() / 1000n);

async function burst(subnet: number, name: string) {
  const cpu0 = await cpuNow();
  const t0 = performance.now();
  const from = microseconds();
  const results = await Promise.all(Array.from({ length: TRIALS }, (_, i) => tryItNow(`198.${subnet}.${Math.floor(i / 250)}.${(i % 250) + 1}`)));
  if (webNodeArgs.length > 0) console.log(`${name}: WINDOW=${from},${microseconds()}`);
  const wall = (performance.now() - t0) / 1000;
  const cpu = await cpuSince(cpu0, TRIALS);
  const ok = results.filter((r) => r.ok);
  const failed = results.filter((r) => !r.ok);
  const ms = ok.map((r) => r.ms).sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] ?? NaN;
  return { ok: ok.length, failed: failed.length, why: [...new Set(failed.map((r) => r.why))].slice(0, 3).join(", "), wall, p50: pct(50), p99: pct(99), cpu };
}

// Warm-up: a few trials at once, so that every web process has loaded its routes and opened its
// pools (the production build compiles nothing, but each process loads code on first use).

await Promise.all(Array.from({ length: 2 * WEB_PROCESSES }, (_, i) => tryItNow(`192.0.2.${i + 1}`)));
const load = os.loadavg().map((x) => x.toFixed(1)).join(" / ");
const before = rssMiB(sandbox.child.pid!);
const clustersBefore = await clusterCount();
const fresh = await burst(18, "each trial creating its cluster");
await new Promise((r) => setTimeout(r, 3000)); // let the new clusters' pods settle
const after = rssMiB(sandbox.child.pid!);
const perTrial = (after - before) / Math.max(1, (await clusterCount()) - clustersBefore);
console.log(`each trial creating its cluster: p50 ${fresh.p50.toFixed(0)} ms, p99 ${fresh.p99.toFixed(0)} ms; sandbox ${before.toFixed(0)} → ${after.toFixed(0)} MiB`);

const { fillTrialPool, pooledClusterCount } = await import("@/lib/trials/pool");
const tf = performance.now();
// Filled until full: under load a round may give up early (a few failures), as in the worker.
for (let round = 0; round < 20 && (await pooledClusterCount()) < TRIALS; round++) await fillTrialPool(TRIALS, 2);
const fillSecs = (performance.now() - tf) / 1000;
const ready = await pooledClusterCount();
const pooled = await burst(19, "from the pool");

// One visitor at a time (clusters from the pool): the web app's CPU for each step of a trial,
// without the interleaving of a burst. Steadier than the burst's figures for telling where a
// trial's CPU goes: the form post, the first view of the new cluster (its client and first
// reads), and the same page once more (what any later page of the trial costs).
for (let round = 0; round < 20 && (await pooledClusterCount()) < SEQUENTIAL; round++) await fillTrialPool(SEQUENTIAL, 2);
const steps = { post: 0, first: 0, again: 0 };
// With a profile (BENCH_WEB_NODE_ARGS), each step's stretches go to a file of WINDOWS for
// scripts/cpuprofile-summary.mjs: where the form post, a first view and a later view spend.
let pageBytes = 0; // the cluster page's HTML (uncompressed), for the report
const stepWindows = { post: [] as string[], first: [] as string[], again: [] as string[] };
for (let i = 0; i < SEQUENTIAL; i++) {
  const w0 = microseconds();
  const ip = `198.20.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const c0 = treeCpuMs(web.pid!);
  const res = await fetch(`${base}/try`, { method: "POST", redirect: "manual", headers: { "x-forwarded-for": ip } });
  await res.arrayBuffer();
  const w1 = microseconds();
  const c1 = treeCpuMs(web.pid!);
  const location = res.headers.get("location") ?? "";
  const headers = { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, "x-forwarded-for": ip };
  const page = await fetch(`${base}${location}`, { headers });
  const html = await page.text();
  if (page.status !== 200 || !html.includes("demo-shop")) throw new Error(`one at a time: page ${page.status} for ${location}`);
  pageBytes = Buffer.byteLength(html);
  const w2 = microseconds();
  const c2 = treeCpuMs(web.pid!);
  const w3 = microseconds();
  await (await fetch(`${base}${location}`, { headers })).arrayBuffer();
  stepWindows.post.push(`${w0},${w1}`);
  stepWindows.first.push(`${w1},${w2}`);
  stepWindows.again.push(`${w3},${microseconds()}`);
  steps.post += c1 - c0;
  steps.first += c2 - c1;
  steps.again += treeCpuMs(web.pid!) - c2;
}
if (webNodeArgs.length > 0) {
  for (const [step, lines] of Object.entries(stepWindows)) {
    const file = path.join(os.tmpdir(), `bench-trials-${process.pid}-${step}.windows`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    console.log(`one at a time, ${step}: WINDOWS=${file}`);
  }
}
const perStep = (x: number) => (x / Math.max(1, SEQUENTIAL)).toFixed(1);

const f = (x: number, d = 0) => x.toFixed(d);
const line = (b: Awaited<ReturnType<typeof burst>>) =>
  `${b.ok} opened, ${b.failed} failed${b.failed ? ` (${b.why})` : ""}, wall ${f(b.wall, 1)} s; CPU per trial: web app ${f(b.cpu.web, 1)} ms, PostgreSQL ${f(b.cpu.pg, 1)} ms, sandbox ${f(b.cpu.sandbox, 1)} ms`;
console.log(
  [
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${WEB_PROCESSES} web process(es); ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; load average at start ${load}`,
    `each trial creating its cluster: ${line(fresh)}`,
    `from the pool (${ready} ready clusters made beforehand in ${f(fillSecs, 1)} s): ${line(pooled)}`,
    `one visitor at a time (${SEQUENTIAL}, from the pool): web app CPU per POST /try ${perStep(steps.post)} ms, first view of the cluster ${perStep(steps.first)} ms, the same page again ${perStep(steps.again)} ms; the page's HTML ${f(pageBytes / 1024, 1)} KiB`,
    "",
    "| measure | result | target |",
    "| --- | --- | --- |",
    `| Try it now → cluster page ready, p50, each trial creating its cluster | ${f(fresh.p50)} ms | — |`,
    `| Try it now → cluster page ready, p99, each trial creating its cluster | ${f(fresh.p99)} ms | ≤ 2000 ms |`,
    `| Try it now → cluster page ready, p50, cluster from the pool | ${f(pooled.p50)} ms | — |`,
    `| Try it now → cluster page ready, p99, cluster from the pool | ${f(pooled.p99)} ms | ≤ 2000 ms |`,
    `| sandbox resident memory, before → after ${TRIALS} trial clusters | ${f(before)} → ${f(after)} MiB | — |`,
    `| sandbox memory per trial cluster (demo shop) | ${f(perTrial, 2)} MiB | ≤ 5 MB |`,
  ].join("\n"),
);

// Waits for the web server to finish: a CPU profile (BENCH_WEB_NODE_ARGS) is written as it exits.
const webExited = new Promise((r) => web.once("exit", r));
web.kill("SIGTERM");
await Promise.race([webExited, new Promise((r) => setTimeout(r, 10_000))]);
const sandboxExited = new Promise((r) => sandbox.child.once("exit", r));
sandbox.child.kill("SIGTERM");
await Promise.race([sandboxExited, new Promise((r) => setTimeout(r, 10_000))]);
process.exit(0);
