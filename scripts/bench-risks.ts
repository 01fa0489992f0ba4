// npm run bench:risks — detected risks of a 5,000-node, 100,000-pod sandbox cluster (10,000
// Deployments of ten pods): the first read (every pod once for the placement, then workloads,
// budgets and autoscalers), the read when the cluster summary is already cached, reads from
// the shared cache (this process's parsed copy, and a fresh process parsing Redis's copy), and
// the rules alone. In this process through lib/risks and lib/views as the Risks page calls them;
// its own database (pystol_bench_risks, rebuilt) and Redis prefix; the sandbox a process of its
// own. Flags by environment: BENCH_NODES, BENCH_PODS, BENCH_READS (cached reads, default 100).
import { randomBytes } from "node:crypto";
import os from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_bench_risks";
const NODES = Number(process.env.BENCH_NODES ?? 5_000);
const PODS = Number(process.env.BENCH_PODS ?? 100_000);
const READS = Number(process.env.BENCH_READS ?? 100);
const PREFIX = `pystol-bench-risks-${process.pid}`;
process.env.DATABASE_URL = DB_URL;
process.env.PYSTOL_QUEUE_PREFIX = PREFIX;
process.env.LOG_LEVEL = "warn";
process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
const loadAtStart = os.loadavg().map((x) => x.toFixed(1)).join(" / ");
await dropDatabase(DB_URL);
await deployMigrations(DB_URL);

const { db } = await import("@/lib/db");
const { SandboxAdminClient } = await import("@/lib/sandbox/admin-client");
const { startSandboxProcess } = await import("@/lib/runs/testing/processes");
const { clusterRisks, detectRisks, readRiskInput } = await import("@/lib/risks");
const { clusterSummary, findViewCluster, forgetViewMemo } = await import("@/lib/views");
const { kubeOf } = await import("@/lib/views/view-cluster");
const { producerConnection, closeProducerConnection } = await import("@/lib/queue");

const sandbox = await startSandboxProcess();
process.env.SANDBOX_ADMIN_URL = sandbox.adminUrl;
process.env.SANDBOX_ADMIN_TOKEN = sandbox.adminToken;
process.on("exit", () => sandbox.child.kill("SIGTERM"));
const admin = new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken);
console.log(`seeding ${NODES} nodes, ${PODS} pods…`);
const created = await admin.createCluster({ name: "bench-risks", seed: { nodes: NODES, pods: PODS }, limits: { requestsPerSecond: 1_000_000, requestBurst: 1_000_000, maxWatches: 100_000 } });
const team = await db.team.create({ data: { slug: `bench-${randomBytes(4).toString("hex")}`, name: "bench" } });
const row = await db.cluster.create({ data: { teamId: team.id, name: "bench", kind: "SANDBOX", sandboxClusterId: created.id, status: "CONNECTED" } });
const cluster = (await findViewCluster({ team: { id: team.id, slug: team.slug, name: team.name, personal: false, isTrial: false }, role: "VIEWER", user: null, tokenId: null }, row.id))!;
const riskKey = `${PREFIX}:views:${cluster.id}:risks`;

const time = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

console.log("first read (summary of every pod, then the lists and the rules)…");
const [coldMs, cold] = await time(() => clusterRisks(cluster, true));
if (cold.error) throw new Error(`risks: ${cold.error.message}`);
const risks = cold.data.risks;
const bytes = JSON.stringify(cold).length;

console.log("with the summary cached…");
const warmSummary: number[] = [];
for (let i = 0; i < 5; i++) {
  await producerConnection().del(riskKey);
  forgetViewMemo();
  warmSummary.push((await time(() => clusterRisks(cluster)))[0]);
}

console.log("cached reads…");
const cached: number[] = [];
for (let i = 0; i < READS; i++) cached.push((await time(() => clusterRisks(cluster)))[0]);
const parsed: number[] = [];
for (let i = 0; i < 20; i++) {
  forgetViewMemo();
  parsed.push((await time(() => clusterRisks(cluster)))[0]);
}

console.log("the rules alone…");
const summary = await clusterSummary(cluster);
const input = await readRiskInput(await kubeOf(cluster), summary.data!);
const rules: number[] = [];
for (let i = 0; i < 10; i++) rules.push((await time(async () => detectRisks(input)))[0]);

const ms = (x: number) => `${Math.round(x)} ms`;
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
const byRule = Object.entries(cold.data.counts);
const found = byRule.reduce((a, [, n]) => a + (n ?? 0), 0);
const rows = [
  ["First read: every pod (pages of 5,000) for the placement, then Deployments, StatefulSets, budgets, autoscalers, and the rules", s(coldMs)],
  ["Risks when the cluster summary is already cached (lists and rules): p50 / max", `${s(pct(warmSummary, 50))} / ${s(Math.max(...warmSummary))} (n=5)`],
  ["Cached read, this process's parsed copy: p50 / p99", `${ms(pct(cached, 50))} / ${ms(pct(cached, 99))} (n=${READS})`],
  ["Cached read, parsed from Redis (another process): p50 / p99", `${ms(pct(parsed, 50))} / ${ms(pct(parsed, 99))} (n=20)`],
  [`The rules alone on ${input.deployments.length.toLocaleString("en")} Deployments: p50`, `${ms(pct(rules, 50))} (n=10)`],
  ["Risks found; the cached value (counts, and the first rows of each kind)", `${found.toLocaleString("en")} (${byRule.map(([k, v]) => `${k} ${(v ?? 0).toLocaleString("en")}`).join(", ")}); ${risks.length.toLocaleString("en")} rows kept, ${(bytes / 2 ** 20).toFixed(2)} MiB`],
];
const section = [
  "## Detected risks",
  "",
  `${NODES.toLocaleString("en")} nodes, ${PODS.toLocaleString("en")} pods (${input.deployments.length.toLocaleString("en")} Deployments) in one sandbox cluster, the sandbox a process of its own, PostgreSQL and Redis local; lib/risks called as the Risks page calls it.`,
  "",
  `- Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node.js ${process.version}; load average at the start ${loadAtStart}`,
  `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  "- Command: `npm run bench:risks`",
  "",
  "| Measure | Result |",
  "| --- | --- |",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
].join("\n");
console.log(section);
if (process.env.BENCH_NO_WRITE !== "1") {
  const file = "BENCHMARKS.md";
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("## Detected risks");
  const next = start < 0 ? -1 : text.indexOf("\n## ", start + 5);
  const out = start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next < 0 ? "" : text.slice(next + 1)}`;
  writeFileSync(file, out);
}
await db.$disconnect();
await closeProducerConnection();
sandbox.child.kill("SIGTERM");
process.exit(0);
