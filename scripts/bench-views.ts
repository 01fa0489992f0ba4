// npm run bench:views — the cluster views on a 5,000-node, 100,000-pod sandbox cluster:
// server response time of the pods page (first page) and of the overview (p50/p99), the graph
// page's time to interactive in Chromium, and `kubectl get pods -A` on the same cluster.
// Serves the production build (`next build` first; built here when missing) with its own
// database (pystol_bench_views, rebuilt) and Redis key prefix; the sandbox is a process of its
// own. Flags by environment: BENCH_NODES, BENCH_PODS, BENCH_REQUESTS (per page, default 100).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_bench_views";
const NODES = Number(process.env.BENCH_NODES ?? 5_000);
const PODS = Number(process.env.BENCH_PODS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const PORT = Number(process.env.BENCH_PORT ?? 3139);
const PREFIX = `pystol-bench-views-${process.pid}`;
process.env.DATABASE_URL = DB_URL;
process.env.PYSTOL_QUEUE_PREFIX = PREFIX;
process.env.LOG_LEVEL = "warn";
const loadAtStart = os.loadavg().map((x) => x.toFixed(1)).join(" / ");
await dropDatabase(DB_URL);
await deployMigrations(DB_URL);

const { db } = await import("@/lib/db");
const { SandboxAdminClient } = await import("@/lib/sandbox/admin-client");
const { startSandboxProcess } = await import("@/lib/runs/testing/processes");

const children: ChildProcess[] = [];
const stopAll = () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
};
process.on("exit", stopAll);

const sandbox = await startSandboxProcess();
children.push(sandbox.child);
const admin = new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken);
console.log(`seeding ${NODES} nodes, ${PODS} pods…`);
// Measures page times, not one cluster's share of the sandbox: no rate or watch limit.
const created = await admin.createCluster({ name: "bench-views", seed: { nodes: NODES, pods: PODS }, limits: { requestsPerSecond: 1_000_000, requestBurst: 1_000_000, maxWatches: 100_000 } });

if (!existsSync(".next/BUILD_ID")) {
  console.log("no production build: running next build…");
  execFileSync("npx", ["next", "build"], { stdio: "inherit" });
}
const baseURL = `http://127.0.0.1:${PORT}`;
// The server binary itself (not through npx), so stopping this child stops the server.
const web = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(PORT), "-H", "127.0.0.1"], {
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: DB_URL,
    PYSTOL_QUEUE_PREFIX: PREFIX,
    NEXTAUTH_URL: baseURL,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    SANDBOX_ADMIN_URL: sandbox.adminUrl,
    SANDBOX_ADMIN_TOKEN: sandbox.adminToken,
    LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "ignore", "inherit"],
  detached: false,
});
children.push(web);
for (let i = 0; ; i++) {
  if (await fetch(`${baseURL}/api/health`).then((r) => r.ok, () => false)) break;
  if (i > 600) throw new Error("web app did not start");
  await new Promise((r) => setTimeout(r, 200));
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ baseURL });
const benchEmail = `${randomBytes(4).toString("hex")}@bench.test`;
await page.goto("/signup");
await page.getByLabel("Name").fill("Bench");
await page.getByLabel("Email").fill(benchEmail);
await page.getByLabel("Password").fill("correct horse battery");
await page.getByRole("button", { name: "Create account" }).click();
await page.getByTestId("link-sent").waitFor({ timeout: 120_000 });
// No mail server here: the address is confirmed directly, then the account signs in.
await db.user.update({ where: { email: benchEmail }, data: { emailVerifiedAt: new Date() } });
await page.goto("/signin");
await page.getByLabel("Email").fill(benchEmail);
await page.getByLabel("Password").fill("correct horse battery");
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForURL(/\/t\/[a-z0-9-]+$/, { timeout: 120_000 });
const slug = new URL(page.url()).pathname.split("/")[2]!;
const team = await db.team.findUniqueOrThrow({ where: { slug } });
const cluster = await db.cluster.create({ data: { teamId: team.id, name: "bench", kind: "SANDBOX", sandboxClusterId: created.id, serverHost: "sandbox", status: "CONNECTED" } });
const base = `/t/${slug}/clusters/${cluster.id}`;

async function timeGet(url: string): Promise<number> {
  const t = performance.now();
  const res = await page.request.get(url, { timeout: 300_000 });
  await res.body();
  if (!res.ok()) throw new Error(`${url}: ${res.status()}`);
  return performance.now() - t;
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

console.log("cold overview (reads every pod once)…");
const coldOverview = await timeGet(base);
const coldPods = await timeGet(`${base}/pods`);
const overview: number[] = [];
const pods: number[] = [];
for (let i = 0; i < REQUESTS; i++) {
  overview.push(await timeGet(base));
  pods.push(await timeGet(`${base}/pods`));
}
// Pods page without the cache: a forced refresh each time (a LIST with limit=50 per view).
const podsUncached: number[] = [];
for (let i = 0; i < 20; i++) podsUncached.push(await timeGet(`${base}/pods?refresh=${i}`));

async function graphTti(url: string): Promise<number> {
  await page.goto(url, { waitUntil: "load", timeout: 300_000 });
  await page.getByTestId("graph").waitFor();
  return page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return nav.domInteractive;
  });
}
const graph: number[] = [];
const graphNs: number[] = [];
for (let i = 0; i < 10; i++) {
  graph.push(await graphTti(`${base}/graph`));
  graphNs.push(await graphTti(`${base}/graph?ns=load-00`));
}
await browser.close();

// kubectl on the same cluster (default table output), with the sandbox's kubeconfig.
const dir = mkdtempSync(path.join(os.tmpdir(), "bench-views-"));
const kcFile = path.join(dir, "kubeconfig");
writeFileSync(kcFile, created.kubeconfig, { mode: 0o600 });
let kubectlMs: number | null = null;
if (existsSync("/usr/bin/kubectl") && process.env.BENCH_NO_KUBECTL !== "1") {
  console.log("kubectl get pods -A…");
  const t = performance.now();
  try {
    execFileSync("/usr/bin/kubectl", ["--kubeconfig", kcFile, "get", "pods", "-A", "--request-timeout=600s"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, HOME: dir }, maxBuffer: 1 << 30, timeout: 600_000 });
    kubectlMs = performance.now() - t;
  } catch {
    kubectlMs = null;
  }
}

const ms = (x: number) => `${Math.round(x)} ms`;
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
const rows = [
  ["Pods page, first page (cached, 50 pods): p50 / p99", `${ms(pct(pods, 50))} / ${ms(pct(pods, 99))} (n=${REQUESTS})`, "p50 ≤ 300 ms"],
  ["Pods page, first page, each view forcing a fresh LIST: p50 / p99", `${ms(pct(podsUncached, 50))} / ${ms(pct(podsUncached, 99))} (n=20)`, "—"],
  ["Overview (summary from the shared cache): p50 / p99", `${ms(pct(overview, 50))} / ${ms(pct(overview, 99))} (n=${REQUESTS})`, "≤ 1 s"],
  ["Overview, cold (reads all nodes and pods in pages of 5,000)", s(coldOverview), "—"],
  ["Pods page, first view after the overview", ms(coldPods), "—"],
  ["Graph time to interactive (domInteractive), namespaces: p50 / max", `${ms(pct(graph, 50))} / ${ms(Math.max(...graph))} (n=10)`, "≤ 3 s"],
  ["Graph time to interactive, one namespace open: p50 / max", `${ms(pct(graphNs, 50))} / ${ms(Math.max(...graphNs))} (n=10)`, "≤ 3 s"],
  ["`kubectl get pods -A` (table output) on the same cluster", kubectlMs === null ? "not run" : s(kubectlMs), "(beside)"],
];
const section = [
  "## Cluster views",
  "",
  `${NODES.toLocaleString("en")} nodes, ${PODS.toLocaleString("en")} pods in one sandbox cluster; the production build (\`next start\`) with PostgreSQL and Redis local, the sandbox a process of its own; requests from Chromium's request context with a signed-in session, one at a time.`,
  "",
  `- Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node.js ${process.version}; load average at the start ${loadAtStart} (shared with other work)`,
  `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  "- Command: `npm run bench:views`" + (REQUESTS !== 100 ? ` (BENCH_REQUESTS=${REQUESTS})` : ""),
  "",
  "| Measure | Result | Target |",
  "| --- | --- | --- |",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
  "Cached views are served from the per-cluster summary in Redis (fresh 15 s, then served stale while one process re-reads the cluster); the cold figure is what the first viewer after expiry waits.",
  "",
].join("\n");
console.log(section);
if (process.env.BENCH_NO_WRITE !== "1") {
  const file = "BENCHMARKS.md";
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("## Cluster views");
  const next = start < 0 ? -1 : text.indexOf("\n## ", start + 5);
  const out = start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next < 0 ? "" : text.slice(next + 1)}`;
  writeFileSync(file, out);
}
await db.$disconnect();
const { closeProducerConnection } = await import("@/lib/queue");
await closeProducerConnection();
stopAll();
process.exit(0);
