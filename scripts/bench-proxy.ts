// npx tsx scripts/bench-proxy.ts — the sandbox's CPU per request through the service proxy
// (lib/sandbox/app), beside a plain GET of a pod for scale. Starts its own sandbox process,
// creates BENCH_CLUSTERS demo clusters, then for each kind of request sends BENCH_REQUESTS of
// them spread over the clusters, BENCH_CONCURRENCY at a time over keep-alive connections, and
// reads the sandbox process's CPU time (/proc/<pid>/stat) before and after. The simulated latency
// (tens of ms per answer) is waiting, not CPU: it is in the wall time, not the CPU figures.
import https from "node:https";
import os from "node:os";
import { readFileSync } from "node:fs";
import { SandboxAdminClient } from "@/lib/sandbox/admin-client";
import { startSandboxProcess, stopGracefully } from "@/lib/runs/testing/processes";

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 20);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const CLK_TCK_MS = 10; // USER_HZ is 100 on Linux

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * CLK_TCK_MS;
}

const sandbox = await startSandboxProcess();
const pid = sandbox.child.pid!;
const admin = new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken);
const clusters: { server: string; token: string; pod: string }[] = [];
let ca = "";
for (let i = 0; i < CLUSTERS; i++) {
  const c = await admin.createCluster({ seed: "demo" });
  const cred = await admin.getCredentials(c.id);
  ca = cred.caPem;
  clusters.push({ server: c.server, token: c.token, pod: "" });
}
const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });

function get(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { agent, headers: { authorization: `Bearer ${token}`, accept: "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (b: Buffer) => chunks.push(b));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end();
  });
}

for (const c of clusters) {
  const pods = JSON.parse((await get(`${c.server}/api/v1/namespaces/shop/pods?labelSelector=app%3Dcart`, c.token)).body) as { items: { metadata: { name: string } }[] };
  c.pod = pods.items[0]!.metadata.name;
}

const KINDS: [string, (c: (typeof clusters)[number]) => string][] = [
  ["GET a pod (no proxy, for scale)", (c) => `${c.server}/api/v1/namespaces/shop/pods/${c.pod}`],
  ["service proxy: frontend /healthz", (c) => `${c.server}/api/v1/namespaces/shop/services/frontend:http/proxy/healthz`],
  ["service proxy: frontend /checkout (7 services deep)", (c) => `${c.server}/api/v1/namespaces/shop/services/frontend:http/proxy/checkout`],
  ["service proxy: no endpoints (503 Status)", (c) => `${c.server}/api/v1/namespaces/shop/services/frontend/proxy/`],
  ["metrics: cart:metrics /metrics", (c) => `${c.server}/api/v1/namespaces/shop/services/cart:metrics/proxy/metrics`],
  ["metrics: prometheus /federate (12 services)", (c) => `${c.server}/api/v1/namespaces/monitoring/services/prometheus:web/proxy/federate`],
];

async function run(url: (c: (typeof clusters)[number]) => string) {
  let next = 0;
  const statuses = new Map<number, number>();
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const c = clusters[i % clusters.length]!;
      const r = await get(url(c), c.token);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  };
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wall = performance.now() - t0;
  const cpu = cpuMs(pid) - cpu0;
  return { cpuPerReqMs: cpu / REQUESTS, wallS: wall / 1000, rps: REQUESTS / (wall / 1000), statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(" ") };
}

// Warm-up: every cluster's model made, the JIT warm.
for (const [, url] of KINDS) for (const c of clusters) await get(url(c), c.token);

const load = os.loadavg()[0]!.toFixed(2);
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; load average at start ${load}`);
console.log(`${CLUSTERS} demo clusters, ${REQUESTS} requests per kind, ${CONCURRENCY} at a time`);
console.log("| request | sandbox CPU per request | requests/s | wall | answers |");
console.log("| --- | --- | --- | --- | --- |");
for (const [name, url] of KINDS) {
  const r = await run(url);
  console.log(`| ${name} | ${r.cpuPerReqMs.toFixed(3)} ms | ${r.rps.toFixed(0)} | ${r.wallS.toFixed(1)} s | ${r.statuses} |`);
}
agent.destroy();
await stopGracefully(sandbox.child);
