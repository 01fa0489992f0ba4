// npm run soak — Pystol under load while its own processes are killed.
// Starts, on this machine, a PostgreSQL server and a Redis server of its own (41xxx ports; the
// machine's services are never touched), two sandbox shards, three workers and two web
// processes (server.mjs, WEB_CONCURRENCY=1 each), as the container image runs them
// (lib/runs/testing/processes.ts). Then, with the same load in both phases:
//   baseline  SOAK_BASELINE_S (60) seconds without faults;
//   soak      SOAK_DURATION_S (600) seconds while every SOAK_KILL_EVERY_S (30) seconds a random
//             web process, worker or sandbox shard is SIGKILLed and started again after
//             SOAK_RESTART_PAUSE_S (3); Redis is restarted once (losing its data: it keeps
//             nothing on disk, as on this machine) and PostgreSQL once (immediate shutdown),
//             a third and two thirds of the way through.
// The load: SOAK_TRIALS_PER_S (2) "Try it now" a second, round-robin over the web processes
// (the form post, then the cluster page); fault runs with lasting changes (node cordon, node
// drain, deployment scale-down) started through the HTTP API with an API token and an
// Idempotency-Key, retried as a client would on 503 and lost connections, one after the other
// on each of SOAK_RUN_CLUSTERS (4) sandbox clusters of a normal team; and experiment
// executions (template "node-cordoned") one after the other on SOAK_EXPERIMENT_CLUSTERS (2).
// After the load stops and everything settles (SOAK_SETTLE_S, 180 at most), it checks and
// reports: runs and executions all in a permanent state; every undo carried out (each cluster
// read back through its shard: no node unschedulable, every deployment at its first replica
// count, no fault held); no step of a run executed twice and no run started twice for one
// request; every trial that was answered still opens; every error answer an honest one; the
// audit log's events for every run and execution; p50/p99 of run overhead and trial time in
// both phases. Exits 1 when a check fails. Needs a production build (`npx next build`).
import type { ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const settings = z
  .object({
    SOAK_DURATION_S: z.coerce.number().int().min(10).default(600),
    SOAK_BASELINE_S: z.coerce.number().int().min(5).default(60),
    SOAK_KILL_EVERY_S: z.coerce.number().int().min(2).default(30),
    SOAK_RESTART_PAUSE_S: z.coerce.number().min(0).default(3),
    SOAK_TRIALS_PER_S: z.coerce.number().min(0.05).max(50).default(2),
    SOAK_RUN_CLUSTERS: z.coerce.number().int().min(1).max(20).default(4),
    SOAK_EXPERIMENT_CLUSTERS: z.coerce.number().int().min(0).max(10).default(2),
    SOAK_FAULT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
    SOAK_SETTLE_S: z.coerce.number().int().min(10).default(180),
    SOAK_TRIAL_TTL_MINUTES: z.coerce.number().int().min(1).default(5),
    SOAK_PORT_BASE: z.coerce.number().int().min(1024).max(65_000).default(41_300),
    SOAK_SEED: z.coerce.number().int().default(() => Date.now() % 1_000_000),
  })
  .safeParse(process.env);
if (!settings.success) {
  console.error(`soak: invalid settings:\n${settings.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  process.exit(2);
}
const S = settings.data;
if (!existsSync(".next/BUILD_ID")) {
  console.error("soak: no production build (.next/BUILD_ID is missing): run `npx next build` first.");
  process.exit(2);
}

// ---------------------------------------------------------------- small helpers
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const stamp = () => `${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s`;
const say = (msg: string) => console.log(`[soak ${stamp()}] ${msg}`);
// A seeded generator: the same SOAK_SEED gives the same kill schedule.
let seed = S.SOAK_SEED;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "—");

async function portFree(port: number): Promise<boolean> {
  const srv = net.createServer();
  return new Promise((resolve) => {
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

// ---------------------------------------------------------------- ports, directories, logs
const P = S.SOAK_PORT_BASE;
const ports = { pg: P + 32, redis: P + 79, web: [P, P + 1], shards: [[P + 43, P + 44], [P + 45, P + 46]] as const };
for (const port of [ports.pg, ports.redis, ...ports.web, ...ports.shards.flat()]) {
  if (!(await portFree(port))) {
    console.error(`soak: port ${port} on 127.0.0.1 is taken; choose other ports with SOAK_PORT_BASE (it uses base … base+79).`);
    process.exit(2);
  }
}
const workDir = mkdtempSync(path.join(os.tmpdir(), "pystol-soak-"));
const logFile = path.join(workDir, "processes.log");
const logFd = openSync(logFile, "a");

const { startPrivatePostgres, createDatabase } = await import("@/lib/runs/testing/private-postgres");
const { startRedis, startSandboxProcess, startWebProcess, startWorkerProcess, killHard } = await import("@/lib/runs/testing/processes");

say(`work directory ${workDir} (process logs: ${logFile})`);
const pgServer = await startPrivatePostgres({ port: ports.pg });
say(`PostgreSQL of its own on 127.0.0.1:${ports.pg} (${pgServer.dataDir}${process.getuid?.() === 0 ? ", run as the postgres user through setpriv since this runs as root" : ""})`);
await createDatabase(pgServer.url("postgres"), "pystol_soak");
const DB_URL = pgServer.url("pystol_soak");
let redis = await startRedis(ports.redis, { stderr: logFd });
say(`Redis of its own on 127.0.0.1:${ports.redis}`);

const adminToken = randomBytes(24).toString("hex");
const shardDirs = [0, 1].map((i) => path.join(workDir, `sandbox-${i}`));
const shardNames = ["default", "shard-1"];
Object.assign(process.env, {
  NODE_ENV: "production",
  DATABASE_URL: DB_URL,
  REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
  PYSTOL_QUEUE_PREFIX: "pystol-soak",
  LOG_LEVEL: "warn",
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  PYSTOL_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  SANDBOX_ADMIN_TOKEN: adminToken,
  SANDBOX_SHARDS: ports.shards.map(([, admin], i) => `${shardNames[i]}=http://127.0.0.1:${admin}`).join(","),
  PYSTOL_KUBE_ALLOWED_CIDRS: "127.0.0.1/32",
  TRIAL_POOL_SIZE: "10",
  TRIAL_TTL_MINUTES: String(S.SOAK_TRIAL_TTL_MINUTES),
  TRIAL_MAX_ACTIVE: "100000",
  TRIAL_PER_IP_PER_HOUR: "1000",
  // The soak stands in for the load balancer: it writes each visitor's address into X-Forwarded-For.
  PYSTOL_TRUSTED_PROXY_HOPS: "1",
  WEB_CONCURRENCY: "1",
});
delete process.env.SANDBOX_ADMIN_URL;
delete process.env.SANDBOX_SHARD_COUNT;
delete process.env.SANDBOX_SHARD_URL_PATTERN;
const { deployMigrations } = await import("../prisma/migrate");
await deployMigrations(DB_URL);

// ---------------------------------------------------------------- the processes
interface Proc {
  name: string;
  kind: "web" | "worker" | "shard";
  child: ChildProcess | null;
  start(): Promise<ChildProcess>;
}
const procs: Proc[] = [
  ...[0, 1].map(
    (i): Proc => ({
      name: `sandbox shard ${shardNames[i]}`,
      kind: "shard",
      child: null,
      start: async () =>
        (await startSandboxProcess({ dataDir: shardDirs[i], port: ports.shards[i]![0], adminPort: ports.shards[i]![1], adminToken, env: { SANDBOX_SNAPSHOT: "1" }, stdout: logFd, stderr: logFd })).child,
    }),
  ),
  ...[0, 1, 2].map((i): Proc => ({ name: `worker ${i + 1}`, kind: "worker", child: null, start: () => startWorkerProcess({}, { stderr: logFd }) })),
  ...[0, 1].map(
    (i): Proc => ({ name: `web ${i + 1}`, kind: "web", child: null, start: async () => (await startWebProcess({ port: ports.web[i], stdout: logFd, stderr: logFd, healthTimeoutMs: 180_000 })).child }),
  ),
];
const webBases = ports.web.map((p) => `http://127.0.0.1:${p}`);
let cleaning = false;
async function cleanUp(): Promise<void> {
  if (cleaning) return;
  cleaning = true;
  for (const p of procs) if (p.child) await killHard(p.child).catch(() => undefined);
  await killHard(redis).catch(() => undefined);
  await pgServer.destroy().catch(() => undefined);
  closeSync(logFd);
}
// A soak that fails half-way leaves nothing running: every child is SIGKILLed as this exits
// (synchronously: the exit handler cannot wait), its PostgreSQL too, and the directories go.
process.on("exit", () => {
  if (cleaning) return;
  for (const c of [...procs.map((p) => p.child), redis, pgServer.child()]) if (c && c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(pgServer.dataDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});
process.on("SIGINT", () => void cleanUp().then(() => process.exit(130)));
process.on("SIGTERM", () => void cleanUp().then(() => process.exit(143)));

// One after the other: on a busy machine a web process may need a while to answer, and a
// failure must not leave another start half-way (its process unknown to the clean-up).
for (const p of procs) p.child = await p.start();
say(`started ${procs.map((p) => `${p.name} (pid ${p.child!.pid})`).join(", ")}`);

// ---------------------------------------------------------------- the team, its clusters, token, experiments
const { db, Prisma } = await import("@/lib/db");
const { createTeam } = await import("@/lib/teams/create-team");
const { createApiToken } = await import("@/lib/api-tokens");
const { addSandboxCluster, sandboxAdminOf } = await import("@/lib/clusters");
const { createExperiment } = await import("@/lib/experiments/store");
const { getTemplate, buildFromTemplate } = await import("@/lib/experiments/templates");
const { KubeConfig, CoreV1Api, AppsV1Api } = await import("@kubernetes/client-node");

const owner = await db.user.create({ data: { email: `soak-${randomBytes(4).toString("hex")}@example.com`, name: "Soak" } });
const team = await db.$transaction((tx) => createTeam(tx, { name: "Soak", userId: owner.id }, { ip: null, userAgent: null }));
await db.team.update({ where: { id: team.id }, data: { maxConcurrentRuns: 1000, confirmThreshold: 1000, blastRadiusLimit: 1000 } });
const ctx = { team: { id: team.id, slug: team.slug, name: team.name, personal: false, isTrial: false }, role: "OWNER" as const, user: { id: owner.id, email: owner.email, name: owner.name }, tokenId: null };
const { token } = await createApiToken(ctx, { name: "soak", scopes: ["read", "run"], expiresIn: "7" });

interface SoakCluster {
  id: string;
  name: string;
  shard: string;
  sandboxId: string;
  use: "runs" | "experiments";
  replicas: Map<string, number>;
  experimentId?: string;
}
const clusters: SoakCluster[] = [];
async function kubeOf(c: Pick<SoakCluster, "shard" | "sandboxId">) {
  const kc = new KubeConfig();
  kc.loadFromString(await sandboxAdminOf(c.shard)!.getKubeconfig(c.sandboxId));
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}
async function replicasOf(c: Pick<SoakCluster, "shard" | "sandboxId">): Promise<Map<string, number>> {
  const { apps } = await kubeOf(c);
  const list = await apps.listDeploymentForAllNamespaces();
  return new Map(list.items.map((d) => [`${d.metadata?.namespace}/${d.metadata?.name}`, d.spec?.replicas ?? 0]));
}
const FAULT_S = S.SOAK_FAULT_SECONDS;
const template = getTemplate("node-cordoned")!;
const built = buildFromTemplate(template, {
  cordonSeconds: String(FAULT_S),
  rounds: "2",
  secondsBetweenRounds: "3",
  checkIntervalSeconds: "2",
  recoveryWindowSeconds: "20",
  maxDurationSeconds: "120",
});
if (!built.ok) throw new Error(`the node-cordoned template refused the soak's values: ${JSON.stringify(built.fieldErrors)}`);
for (let i = 0; i < S.SOAK_RUN_CLUSTERS + S.SOAK_EXPERIMENT_CLUSTERS; i++) {
  const use = i < S.SOAK_RUN_CLUSTERS ? "runs" : "experiments";
  const row = await addSandboxCluster(ctx, { name: `${use}-${i}` });
  const c: SoakCluster = { id: row.id, name: row.name, shard: row.sandboxShard ?? "default", sandboxId: row.sandboxClusterId!, use, replicas: new Map() };
  c.replicas = await replicasOf(c);
  if (use === "experiments") c.experimentId = (await createExperiment(ctx, { name: `soak ${i}`, clusterId: c.id, definition: built.definition })).id;
  clusters.push(c);
}
say(`team ${team.slug}: ${clusters.map((c) => `${c.name} on ${c.shard}`).join(", ")}`);

// ---------------------------------------------------------------- answers: honest or not
type Phase = "baseline" | "soak" | "settle";
let phase: Phase = "baseline";
interface Answer {
  what: "trial" | "trial page" | "run" | "execution";
  phase: Phase;
  status: number; // 0: the connection was lost (the process serving it was killed)
  honest: boolean;
  note: string;
}
const answers: Answer[] = [];
const STACK = /\n\s+at \S.*:\d+:\d+|node_modules\/|webpack-internal|\.ts:\d+:\d+/;
/** Whether an error answer says what happened in a way a client can act on. */
function judge(status: number, headers: Headers, body: string): { honest: boolean; note: string } {
  if (STACK.test(body)) return { honest: false, note: `${status} with a stack trace` };
  if (status >= 500) {
    // A gateway error naming what could not be reached (a sandbox shard that is down: 502
    // cluster_unreachable) is a clear answer; a 500, or any 5xx without one, is not.
    if (status === 502 || status === 504) {
      const code = /"code":"([a-z_]+)"/.exec(body)?.[1];
      return code && /"message":"[^"]{10,}/.test(body) ? { honest: true, note: `${status} ${code}` } : { honest: false, note: `${status}: ${body.slice(0, 120) || "empty body"}` };
    }
    if (status !== 503) return { honest: false, note: `${status}: ${body.slice(0, 120) || "empty body"}` };
    if (!headers.get("retry-after")) return { honest: false, note: "503 without Retry-After" };
    if (body.trim() === "") return { honest: false, note: "503 with an empty body" };
    return { honest: true, note: "503 with Retry-After" };
  }
  if (status >= 400 && body.trim() === "") return { honest: false, note: `${status} with an empty body` };
  return { honest: true, note: String(status) };
}
let rr = 0;
const nextWeb = () => webBases[rr++ % webBases.length]!;

// ---------------------------------------------------------------- trials
interface Trial {
  phase: Phase;
  ip: string;
  location: string;
  cookie: string;
  ms: number;
}
const trials: Trial[] = [];
let trialSeq = 0;
async function visitor(): Promise<void> {
  const i = trialSeq++;
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const started = phase;
  const base = nextWeb();
  const t = performance.now();
  let res: Response;
  try {
    res = await fetch(`${base}/try`, { method: "POST", redirect: "manual", headers: { "x-forwarded-for": ip }, signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    answers.push({ what: "trial", phase: started, status: 0, honest: true, note: `connection lost: ${(err as Error).message}` });
    return;
  }
  let body: string;
  try {
    body = await res.text();
  } catch (err) {
    answers.push({ what: "trial", phase: started, status: 0, honest: true, note: `connection lost after ${res.status}: ${(err as Error).message}` });
    return;
  }
  const location = res.headers.get("location") ?? "";
  if (res.status !== 303 || !location.startsWith("/t/")) {
    const refusal = res.status === 303 && location.startsWith("/?trial=");
    const j = refusal ? { honest: true, note: `refused: ${location}` } : judge(res.status, res.headers, body);
    answers.push({ what: "trial", phase: started, status: res.status, ...j });
    return;
  }
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  answers.push({ what: "trial", phase: started, status: 303, honest: true, note: "303" });
  // The page on the same web process, as a load balancer without stickiness may or may not do.
  try {
    const page = await fetch(`${nextWeb()}${location}`, { headers: { cookie, "x-forwarded-for": ip }, signal: AbortSignal.timeout(60_000) });
    // (A body cut off throws: a lost connection, below.)
    const html = await page.text();
    if (page.status === 200 && html.includes("demo-shop")) {
      trials.push({ phase: started, ip, location, cookie, ms: performance.now() - t });
      answers.push({ what: "trial page", phase: started, status: 200, honest: true, note: "200" });
    } else {
      // Answered 303 but the page does not open: counted as a broken trial at the end too.
      trials.push({ phase: started, ip, location, cookie, ms: NaN });
      answers.push({ what: "trial page", phase: started, status: page.status, ...judge(page.status, page.headers, html) });
    }
  } catch (err) {
    trials.push({ phase: started, ip, location, cookie, ms: NaN });
    answers.push({ what: "trial page", phase: started, status: 0, honest: true, note: `connection lost: ${(err as Error).message}` });
  }
}

// ---------------------------------------------------------------- the API client: retries as a client would
const apiHeaders = (key: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key });
interface Sent {
  status: number;
  body: unknown;
  tries: number;
  key: string;
}
/** POSTs with one Idempotency-Key until it gets a final answer (or gives up after two minutes). */
async function post(what: Answer["what"], pathname: string, payload: unknown): Promise<Sent | null> {
  const key = randomUUID();
  const started = phase;
  const until = Date.now() + 120_000;
  for (let tries = 1; Date.now() < until; tries++) {
    let res: Response;
    try {
      res = await fetch(`${nextWeb()}${pathname}`, { method: "POST", headers: apiHeaders(key), body: JSON.stringify(payload), signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      answers.push({ what, phase: started, status: 0, honest: true, note: `connection lost: ${(err as Error).message}` });
      await sleep(1000);
      continue;
    }
    // A body cut off (the web process was killed after sending the status line) is a lost
    // connection too: the client does not know the answer and retries with the same key.
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      answers.push({ what, phase: started, status: 0, honest: true, note: `connection lost after ${res.status}: ${(err as Error).message}` });
      await sleep(1000);
      continue;
    }
    const j = judge(res.status, res.headers, text);
    answers.push({ what, phase: started, status: res.status, ...j });
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const code = (body as { error?: { code?: string } } | null)?.error?.code;
    if (res.status === 503 || (res.status === 409 && code === "idempotency_in_progress") || (res.status === 409 && code === "idempotency_conflict")) {
      await sleep(Math.min(5, Number(res.headers.get("retry-after") ?? 1)) * 1000);
      continue;
    }
    if (res.status >= 500) {
      await sleep(1000);
      continue;
    }
    return { status: res.status, body, tries, key };
  }
  return null;
}

// ---------------------------------------------------------------- runs and experiments, one after the other per cluster
const PERMANENT = ["SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "ROLLBACK_FAILED"];
const VERDICTS = ["PASSED", "FAILED", "STOPPED", "ABORTED", "ERROR", "NOT_STARTED"];
interface Started {
  id: string;
  phase: Phase;
  clusterId: string;
  key: string;
  faultSeconds: number;
}
const runs: Started[] = [];
const executions: Started[] = [];
const refusals: string[] = [];
const gaveUp: string[] = [];

/** Reads a row's state until it is permanent (reads retried through PostgreSQL's restart). */
async function waitPermanent(read: () => Promise<string | null>, permanent: string[], boundMs: number): Promise<string | null> {
  const until = Date.now() + boundMs;
  while (Date.now() < until) {
    const state = await read().catch(() => null);
    if (state && permanent.includes(state)) return state;
    await sleep(500);
  }
  return null;
}

const FAULTS = [
  { action: "node-cordon", params: { nodeName: "general-b-1", durationSeconds: FAULT_S } },
  { action: "deployment-scale", params: { namespace: "shop", name: "cart", replicas: 0, durationSeconds: FAULT_S } },
  { action: "node-drain", params: { nodeName: "general-a-2", durationSeconds: FAULT_S, evictionTimeoutSeconds: 20 } },
];
let loadOn = true;
async function runLane(c: SoakCluster, offset: number): Promise<void> {
  for (let n = offset; loadOn; n++) {
    const fault = FAULTS[n % FAULTS.length]!;
    const sent = await post("run", `/api/v1/t/${team.slug}/runs`, { action: fault.action, cluster: c.id, params: fault.params, confirm: fault.action });
    if (!sent) {
      gaveUp.push(`${fault.action} on ${c.name}: no final answer within 2 minutes`);
      continue;
    }
    const run = (sent.body as { run?: { id: string } } | null)?.run;
    if (sent.status !== 201 || !run) {
      refusals.push(`${fault.action} on ${c.name}: ${sent.status} ${JSON.stringify(sent.body).slice(0, 160)}`);
      await sleep(2000);
      continue;
    }
    runs.push({ id: run.id, phase: phase, clusterId: c.id, key: sent.key, faultSeconds: fault.params.durationSeconds });
    await waitPermanent(async () => (await db.run.findUnique({ where: { id: run.id }, select: { state: true } }))?.state ?? null, PERMANENT, 240_000);
    await sleep(500);
  }
}
async function experimentLane(c: SoakCluster): Promise<void> {
  while (loadOn) {
    const sent = await post("execution", `/api/v1/t/${team.slug}/experiments/${c.experimentId}/run`, {});
    if (!sent) {
      gaveUp.push(`experiment on ${c.name}: no final answer within 2 minutes`);
      continue;
    }
    const ex = (sent.body as { execution?: { id: string } } | null)?.execution;
    if (sent.status !== 202 || !ex) {
      refusals.push(`experiment on ${c.name}: ${sent.status} ${JSON.stringify(sent.body).slice(0, 160)}`);
      await sleep(2000);
      continue;
    }
    executions.push({ id: ex.id, phase: phase, clusterId: c.id, key: sent.key, faultSeconds: FAULT_S });
    await waitPermanent(async () => (await db.experimentExecution.findUnique({ where: { id: ex.id }, select: { state: true } }))?.state ?? null, VERDICTS, 300_000);
    await sleep(500);
  }
}

// ---------------------------------------------------------------- chaos
interface Kill {
  at: string;
  what: string;
  downS: number;
  note: string;
}
const kills: Kill[] = [];
async function restartProc(p: Proc): Promise<void> {
  const began = Date.now();
  if (p.child) await killHard(p.child);
  p.child = null;
  await sleep(S.SOAK_RESTART_PAUSE_S * 1000);
  for (let attempt = 1; ; attempt++) {
    try {
      p.child = await p.start();
      break;
    } catch (err) {
      if (attempt >= 5) throw new Error(`${p.name} did not start again after its SIGKILL: ${(err as Error).message}`);
      say(`${p.name} did not start again (${(err as Error).message}); trying again`);
      await sleep(2000);
    }
  }
  kills.push({ at: stamp(), what: p.name, downS: (Date.now() - began) / 1000, note: "SIGKILL" });
  say(`SIGKILLed ${p.name}; back after ${((Date.now() - began) / 1000).toFixed(1)} s (pid ${p.child.pid})`);
}
async function restartRedis(): Promise<void> {
  const began = Date.now();
  await killHard(redis);
  await sleep(S.SOAK_RESTART_PAUSE_S * 1000);
  redis = await startRedis(ports.redis, { stderr: logFd });
  kills.push({ at: stamp(), what: "Redis", downS: (Date.now() - began) / 1000, note: "SIGKILL, started empty (no persistence)" });
  say(`restarted Redis (its data lost) after ${((Date.now() - began) / 1000).toFixed(1)} s`);
}
async function restartPostgres(): Promise<void> {
  const began = Date.now();
  await pgServer.stop("immediate");
  await sleep(S.SOAK_RESTART_PAUSE_S * 1000);
  await pgServer.start();
  kills.push({ at: stamp(), what: "PostgreSQL", downS: (Date.now() - began) / 1000, note: "immediate shutdown (crash recovery at start)" });
  say(`restarted PostgreSQL after ${((Date.now() - began) / 1000).toFixed(1)} s`);
}
async function chaos(durationMs: number): Promise<void> {
  const end = Date.now() + durationMs;
  const redisAt = Date.now() + durationMs / 3;
  const pgAt = Date.now() + (2 * durationMs) / 3;
  let redisDone = false;
  let pgDone = false;
  let nextKill = Date.now() + S.SOAK_KILL_EVERY_S * 1000;
  while (Date.now() < end) {
    await sleep(250);
    if (!redisDone && Date.now() >= redisAt) {
      redisDone = true;
      await restartRedis();
    } else if (!pgDone && Date.now() >= pgAt) {
      pgDone = true;
      await restartPostgres();
    } else if (Date.now() >= nextKill) {
      nextKill += S.SOAK_KILL_EVERY_S * 1000;
      await restartProc(procs[Math.floor(random() * procs.length)]!);
    }
  }
}

// ---------------------------------------------------------------- the load
async function load(durationMs: number, during: Promise<void>): Promise<void> {
  const end = Date.now() + durationMs;
  const pending: Promise<void>[] = [];
  for (let i = 0; Date.now() < end; i++) {
    pending.push(visitor().catch((err: Error) => void answers.push({ what: "trial", phase, status: 0, honest: true, note: `client error: ${err.message}` })));
    await sleep(1000 / S.SOAK_TRIALS_PER_S);
  }
  await during;
  await Promise.all(pending);
}

// Wait for the trial pool to fill once (the workers make it at start), and warm each web process.
for (let i = 0; i < 120 && (await db.cluster.count({ where: { team: { slug: process.env.TRIAL_POOL_TEAM ?? "trial--pool" } } })) < 10; i++) await sleep(1000);
for (const base of webBases) await fetch(`${base}/`).then((r) => r.text());
say(`load: ${S.SOAK_TRIALS_PER_S} trial(s)/s; runs one after the other on ${S.SOAK_RUN_CLUSTERS} cluster(s), experiments on ${S.SOAK_EXPERIMENT_CLUSTERS}; faults held ${FAULT_S} s`);
const lanes = [
  ...clusters.filter((c) => c.use === "runs").map((c, i) => runLane(c, i)),
  ...clusters.filter((c) => c.use === "experiments").map((c) => experimentLane(c)),
];
const loadAvg: number[] = [];
const loadTimer = setInterval(() => loadAvg.push(os.loadavg()[0]!), 5000);

say(`baseline: ${S.SOAK_BASELINE_S} s without faults`);
await load(S.SOAK_BASELINE_S * 1000, Promise.resolve());
phase = "soak";
say(`soak: ${S.SOAK_DURATION_S} s; a kill every ${S.SOAK_KILL_EVERY_S} s, Redis and PostgreSQL restarted once each`);
let chaosError: Error | null = null;
await load(S.SOAK_DURATION_S * 1000, chaos(S.SOAK_DURATION_S * 1000).catch((err: Error) => void (chaosError = err)));
phase = "settle";
loadOn = false;
clearInterval(loadTimer);
say("load stopped; waiting for every run and execution to finish");
const settleUntil = Date.now() + S.SOAK_SETTLE_S * 1000;
await Promise.race([Promise.all(lanes), sleep(S.SOAK_SETTLE_S * 1000)]);
for (;;) {
  const pendingRuns = await db.run.count({ where: { teamId: team.id, state: { notIn: PERMANENT as never } } }).catch(() => -1);
  const pendingEx = await db.experimentExecution.count({ where: { teamId: team.id, state: { notIn: VERDICTS as never } } }).catch(() => -1);
  const openUndos = await db.runStep.count({ where: { teamId: team.id, undoneAt: null, NOT: { undo: { equals: Prisma.DbNull } }, run: { state: { in: ["ROLLBACK_FAILED"] } } } }).catch(() => -1);
  if ((pendingRuns === 0 && pendingEx === 0 && openUndos === 0) || Date.now() > settleUntil) break;
  await sleep(2000);
}
// Timed undos of finished runs and the sweep's retries come due within a sweep or two.
await sleep(12_000);

// ---------------------------------------------------------------- checks
interface Check {
  name: string;
  ok: boolean;
  detail: string;
}
const checks: Check[] = [];
const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
if (chaosError) check("chaos schedule ran", false, (chaosError as Error).message);

// 1. Permanent states.
const allRuns = await db.run.findMany({ where: { teamId: team.id }, include: { steps: true } });
const allEx = await db.experimentExecution.findMany({ where: { teamId: team.id } });
const stuckRuns = allRuns.filter((r) => !PERMANENT.includes(r.state));
const stuckEx = allEx.filter((e) => !VERDICTS.includes(e.state));
check("every run in a permanent state", stuckRuns.length === 0, `${allRuns.length} runs (${allRuns.filter((r) => r.executionId).length} of them experiment faults); ${stuckRuns.length} pending${stuckRuns.length ? `: ${stuckRuns.slice(0, 5).map((r) => `${r.id} ${r.actionId} ${r.state}`).join(", ")}` : ""}`);
check("every experiment execution in a permanent state", stuckEx.length === 0, `${allEx.length} executions; ${stuckEx.length} pending${stuckEx.length ? `: ${stuckEx.slice(0, 5).map((e) => `${e.id} ${e.state}`).join(", ")}` : ""}`);
const byState = (xs: { state: string }[]) =>
  Object.entries(xs.reduce<Record<string, number>>((m, x) => ((m[x.state] = (m[x.state] ?? 0) + 1), m), {}))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");

// 2. Every undo carried out: each cluster read back through its shard.
const leftovers: string[] = [];
for (const c of clusters) {
  try {
    const { core } = await kubeOf(c);
    const nodes = await core.listNode();
    for (const n of nodes.items) if (n.spec?.unschedulable) leftovers.push(`${c.name}: node ${n.metadata?.name} unschedulable`);
    const now = await replicasOf(c);
    for (const [name, replicas] of c.replicas) if (now.get(name) !== replicas) leftovers.push(`${c.name}: deployment ${name} at ${now.get(name) ?? "missing"}, was ${replicas}`);
    const faults = await sandboxAdminOf(c.shard)!.listFaults(c.sandboxId);
    for (const f of faults) leftovers.push(`${c.name}: fault held: ${JSON.stringify(f).slice(0, 100)}`);
  } catch (err) {
    leftovers.push(`${c.name}: could not be read through ${c.shard}: ${(err as Error).message}`);
  }
}
const openUndoSteps = allRuns.flatMap((r) => r.steps.filter((s) => s.undo !== null && s.undoneAt === null && s.state === "SUCCEEDED").map((s) => `${r.id} ${s.name}`));
check("every undo carried out (clusters read back)", leftovers.length === 0, leftovers.length ? leftovers.slice(0, 8).join("; ") : `${clusters.length} clusters: no node cordoned, every deployment at its first count, no fault held`);
check("no undo left open in the runs' records", openUndoSteps.length === 0, openUndoSteps.length ? openUndoSteps.slice(0, 5).join("; ") : "every step with an undo is marked undone");

// 3. Nothing executed twice: a step (same name, same target) twice in one run, or a run the
// client never asked for (a request served twice).
const dupSteps: string[] = [];
for (const r of allRuns) {
  const seen = new Map<string, number>();
  for (const s of r.steps) {
    if (!s.startedAt) continue;
    const k = `${s.name} ${JSON.stringify(s.target)}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  for (const [k, n] of seen) if (n > 1) dupSteps.push(`run ${r.id}: "${k}" ×${n}`);
}
const known = new Set(runs.map((r) => r.id));
const unasked = allRuns.filter((r) => !r.executionId && !r.dryRun && !known.has(r.id));
const takenOver = allRuns.filter((r) => r.attempt > 1).length;
check("no step executed twice", dupSteps.length === 0, dupSteps.length ? dupSteps.slice(0, 5).join("; ") : `${allRuns.reduce((n, r) => n + r.steps.length, 0)} steps, each once (${takenOver} runs taken over by another worker)`);
const knownEx = new Set(executions.map((e) => e.id));
const unaskedEx = allEx.filter((e) => !knownEx.has(e.id));
check(
  "no run or execution started twice for one request",
  unasked.length === 0 && unaskedEx.length === 0,
  `${runs.length} runs and ${executions.length} executions asked for, each answered once per Idempotency-Key; ${unasked.length} run(s) and ${unaskedEx.length} execution(s) in the database that no answer named${unasked.length ? `: ${unasked.slice(0, 3).map((r) => r.id).join(", ")}` : ""}`,
);

// 4. Trials that were answered still open (unless expired meanwhile).
let trialsChecked = 0;
let trialsExpired = 0;
const brokenTrials: string[] = [];
const queue = [...trials];
async function recheck(): Promise<void> {
  for (let t = queue.shift(); t; t = queue.shift()) {
    const slug = t.location.split("/")[2]!;
    // Expired: deleted by the expiry job, or past its time and waiting for the job's next round
    // (its page then says the trial ended).
    const row = await db.team.findUnique({ where: { slug }, select: { trialExpiresAt: true } });
    if (!row || (row.trialExpiresAt && row.trialExpiresAt.getTime() <= Date.now())) {
      trialsExpired++;
      continue;
    }
    trialsChecked++;
    const res = await fetch(`${webBases[trialsChecked % 2]}${t.location}`, { headers: { cookie: t.cookie, "x-forwarded-for": t.ip } }).catch(() => null);
    const html = res ? await res.text() : "";
    if (!res || res.status !== 200 || !html.includes("demo-shop")) {
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? "";
      const h1 = /<h1[^>]*>([^<]*)</.exec(html)?.[1] ?? "";
      brokenTrials.push(`${t.location}: ${res?.status ?? "no answer"} "${title}" "${h1}"`);
    }
  }
}
await Promise.all([recheck(), recheck(), recheck(), recheck()]);
check("every trial answered still works", brokenTrials.length === 0, brokenTrials.length ? `${brokenTrials.length} of ${trialsChecked} do not open: ${brokenTrials.slice(0, 5).join("; ")}` : `${trialsChecked} opened again at the end (${trialsExpired} had expired, TTL ${S.SOAK_TRIAL_TTL_MINUTES} min)`);

// 5. Every error answer honest.
const dishonest = answers.filter((a) => !a.honest);
const errorsOf = (what: Answer["what"][], ph?: Phase) => answers.filter((a) => what.includes(a.what) && (!ph || a.phase === ph) && (a.status === 0 || a.status >= 400 || a.note.startsWith("refused")));
check("every error answer honest (503 with Retry-After or a clear refusal)", dishonest.length === 0, dishonest.length ? `${dishonest.length}: ${[...new Set(dishonest.map((d) => `${d.what} ${d.note}`))].slice(0, 6).join("; ")}` : `${answers.filter((a) => a.status >= 400 || a.note.startsWith("refused")).length} error answers, all honest`);

// 6. The audit log: every run and execution started has its event, and every state change of
// every run has one (run.state_changed, written with the change): a run that started has its
// "running", and its last recorded change is the state it is in.
const audited = new Set((await db.auditEvent.findMany({ where: { teamId: team.id, action: "run.started" }, select: { targetId: true } })).map((a) => a.targetId));
const notAudited = allRuns.filter((r) => !r.executionId && !audited.has(r.id));
const exAudited = new Set(
  (await db.auditEvent.findMany({ where: { teamId: team.id, action: "experiment.executed" }, select: { data: true } })).map((a) => (a.data as { executionId?: string } | null)?.executionId),
);
const exNotAudited = allEx.filter((e) => !exAudited.has(e.id));
check("audit log: every run and execution started has its event", notAudited.length === 0 && exNotAudited.length === 0, `${notAudited.length} run(s) and ${exNotAudited.length} execution(s) without one`);
const changes = new Map<string, string[]>();
for (const e of await db.auditEvent.findMany({ where: { teamId: team.id, action: "run.state_changed" }, orderBy: { id: "asc" }, select: { targetId: true, data: true } })) {
  const list = changes.get(e.targetId ?? "") ?? [];
  list.push((e.data as { state?: string } | null)?.state ?? "?");
  changes.set(e.targetId ?? "", list);
}
const trailGaps: string[] = [];
for (const r of allRuns.filter((x) => !x.dryRun)) {
  const states = changes.get(r.id) ?? [];
  if (r.startedAt && !states.includes("RUNNING")) trailGaps.push(`${r.id}: no "running" event`);
  if (states.at(-1) !== r.state) trailGaps.push(`${r.id}: last event ${states.at(-1) ?? "none"}, run ${r.state}`);
}
check(
  "audit log: every run state change has its event",
  trailGaps.length === 0,
  trailGaps.length ? `${trailGaps.length}: ${trailGaps.slice(0, 5).join("; ")}` : `${[...changes.values()].reduce((n, x) => n + x.length, 0)} state changes recorded for ${allRuns.length} runs; each run's last is its state`,
);

// ---------------------------------------------------------------- figures
const runRows = new Map(allRuns.map((r) => [r.id, r]));
function runFigures(ph: Phase) {
  const rows = runs.filter((r) => r.phase === ph).map((r) => ({ s: r, row: runRows.get(r.id) })).filter((x) => x.row);
  const wait = rows.filter((x) => x.row!.startedAt).map((x) => x.row!.startedAt!.getTime() - x.row!.queuedAt.getTime());
  const over = rows
    .filter((x) => x.row!.state === "SUCCEEDED" && x.row!.finishedAt)
    .map((x) => x.row!.finishedAt!.getTime() - x.row!.queuedAt.getTime() - x.s.faultSeconds * 1000);
  return { n: rows.length, succeeded: over.length, wait, over };
}
function trialFigures(ph: Phase) {
  const xs = trials.filter((t) => t.phase === ph && Number.isFinite(t.ms)).map((t) => t.ms);
  const asked = answers.filter((a) => a.what === "trial" && a.phase === ph).length;
  const errs = errorsOf(["trial", "trial page"], ph).length;
  return { xs, asked, errs };
}
const base = { runs: runFigures("baseline"), trials: trialFigures("baseline") };
const soak = { runs: runFigures("soak"), trials: trialFigures("soak") };
const share = (e: number, n: number) => (n ? `${((100 * e) / n).toFixed(1)} % (${e} of ${n})` : "—");
const exFig = (ph: Phase) => executions.filter((e) => e.phase === ph).length;

const md: string[] = [];
md.push(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; load average during the run ${pct(loadAvg, 50).toFixed(1)} median, ${Math.max(...loadAvg, 0).toFixed(1)} max.`);
md.push(`Command: \`SOAK_DURATION_S=${S.SOAK_DURATION_S} SOAK_BASELINE_S=${S.SOAK_BASELINE_S} SOAK_TRIALS_PER_S=${S.SOAK_TRIALS_PER_S} SOAK_KILL_EVERY_S=${S.SOAK_KILL_EVERY_S} SOAK_SEED=${S.SOAK_SEED} npm run soak\`.`);
md.push(`Kills: ${kills.length} (${["web", "worker", "shard"].map((k) => `${kills.filter((x) => procs.find((p) => p.name === x.what)?.kind === k).length} ${k === "shard" ? "sandbox shard" : k} SIGKILLs`).join(", ")}, Redis once, PostgreSQL once).`);
md.push("");
md.push("| figure | baseline (no faults) | soak (with kills) |");
md.push("| --- | --: | --: |");
md.push(`| seconds | ${S.SOAK_BASELINE_S} | ${S.SOAK_DURATION_S} |`);
md.push(`| fault runs started (API) | ${base.runs.n} | ${soak.runs.n} |`);
md.push(`| experiment executions started | ${exFig("baseline")} | ${exFig("soak")} |`);
md.push(`| run queued → running, p50 / p99 | ${ms(pct(base.runs.wait, 50))} / ${ms(pct(base.runs.wait, 99))} | ${ms(pct(soak.runs.wait, 50))} / ${ms(pct(soak.runs.wait, 99))} |`);
md.push(`| run overhead (queued → finished minus the fault's ${FAULT_S} s), succeeded runs, p50 / p99 | ${ms(pct(base.runs.over, 50))} / ${ms(pct(base.runs.over, 99))} (${base.runs.succeeded}) | ${ms(pct(soak.runs.over, 50))} / ${ms(pct(soak.runs.over, 99))} (${soak.runs.succeeded}) |`);
md.push(`| trials asked | ${base.trials.asked} | ${soak.trials.asked} |`);
md.push(`| trial (POST /try → cluster page read), p50 / p99 | ${ms(pct(base.trials.xs, 50))} / ${ms(pct(base.trials.xs, 99))} | ${ms(pct(soak.trials.xs, 50))} / ${ms(pct(soak.trials.xs, 99))} |`);
md.push(`| trial requests answered with an error or lost | ${share(base.trials.errs, base.trials.asked)} | ${share(soak.trials.errs, soak.trials.asked)} |`);
md.push("");
md.push(`Runs by final state: ${byState(allRuns)}. Executions by verdict: ${byState(allEx)}.`);
const errorKinds = new Map<string, number>();
for (const a of answers.filter((x) => x.status === 0 || x.status >= 400 || x.note.startsWith("refused"))) {
  const k = `${a.what}: ${a.status === 0 ? "connection lost" : a.note.replace(/[0-9a-f]{8,}/g, "…").slice(0, 80)}`;
  errorKinds.set(k, (errorKinds.get(k) ?? 0) + 1);
}
md.push(`Error answers (all phases): ${errorKinds.size ? [...errorKinds].map(([k, n]) => `${k} ×${n}`).join("; ") : "none"}.`);
const tally = (xs: string[]) =>
  [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join("; ");
const short = (x: string | null | undefined) => (x ?? "").replace(/\s+/g, " ").trim().replace(/c[a-z0-9]{20,}/g, "…").replace(/\d+(\.\d+)?/g, "N").slice(0, 90);
const notPassed = allEx.filter((e) => e.state !== "PASSED");
if (notPassed.length) md.push(`Executions not PASSED, by reason: ${tally(notPassed.map((e) => `${e.state} "${short(e.reason)}"`))}.`);
const notSucceeded = allRuns.filter((r) => r.state !== "SUCCEEDED");
if (notSucceeded.length) md.push(`Runs not SUCCEEDED, by error: ${tally(notSucceeded.map((r) => `${r.actionId} ${r.state} "${short(r.error)}"`))}.`);
// Why the web processes turned trials away (their log lines), e.g. a shard or PostgreSQL down.
const trialErrors = readFileSync(logFile, "utf8")
  .split("\n")
  .filter((l) => l.includes("trial could not be started"))
  .map((l) => {
    try {
      return short((JSON.parse(l) as { err?: string }).err);
    } catch {
      return "unreadable log line";
    }
  });
// Next.js marks an error a route did not handle (answered 500) with "⨯" in its log.
const unhandled = readFileSync(logFile, "utf8").split("\n").filter((l) => l.includes("⨯"));
md.push(`Errors the web processes did not handle (Next.js "⨯" log lines): ${unhandled.length ? `${unhandled.length}: ${tally(unhandled.map((l) => short(l)))}` : "none"}.`);
if (trialErrors.length) md.push(`Trials turned away ("/?trial=error"), by the web process's logged reason: ${tally(trialErrors)}.`);
if (refusals.length) md.push(`Requests refused: ${refusals.length} (${[...new Set(refusals.map((r) => r.replace(/c[a-z0-9]{20,}/g, "…")))].slice(0, 4).join("; ")}).`);
if (gaveUp.length) md.push(`Requests given up after two minutes of retries: ${gaveUp.length}.`);
md.push("");
md.push("| check | result | detail |");
md.push("| --- | --- | --- |");
for (const c of checks) md.push(`| ${c.name} | ${c.ok ? "ok" : "**FAILED**"} | ${c.detail.replace(/\|/g, "\\|")} |`);
md.push("");
md.push("| at | killed | back after | how |");
md.push("| --: | --- | --: | --- |");
for (const k of kills) md.push(`| ${k.at.trim()} | ${k.what} | ${k.downS.toFixed(1)} s | ${k.note} |`);

console.log(`\n## Soak\n\n${md.join("\n")}\n`);
const failed = checks.filter((c) => !c.ok);
console.log(failed.length ? `soak: ${failed.length} check(s) FAILED: ${failed.map((c) => c.name).join("; ")} (process logs: ${logFile})` : "soak: every check passed");
await db.$disconnect().catch(() => undefined);
const keepLog = failed.length > 0 ? readFileSync(logFile, "utf8").split("\n").slice(-40).join("\n") : "";
await cleanUp();
if (keepLog) console.log(`\nlast lines of the processes' log:\n${keepLog}`);
rmSync(workDir, { recursive: true, force: true });
process.exit(failed.length ? 1 : 0);
