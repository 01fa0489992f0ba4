import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { E2E_DATABASE_URL, E2E_PORT, E2E_REDIS_PREFIX, E2E_SANDBOX_ADMIN_TOKEN, E2E_SANDBOX_ADMIN_URL } from "./stack";

// The production web server (server.mjs) as `npm run up` and the container run it: several
// processes on one port. The stack's own web server runs one process, so this one is started
// here, on a port of its own, against the same database and Redis.

const PORT = E2E_PORT + 50;
const base = `http://127.0.0.1:${PORT}`;
const METRICS_TOKEN = randomBytes(24).toString("hex");

/** The pids of a process's children (the web processes the primary forked), from /proc. */
function children(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command's closing parenthesis: state, then the parent's pid.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`${base}/api/health`)).ok;
  } catch {
    return false;
  }
}

let server: ChildProcess | undefined;
test.afterEach(() => {
  if (server?.exitCode === null) server.kill("SIGKILL");
});

test("two web processes share one port, a crashed one is replaced, metrics cover the app, SIGTERM stops them all", async () => {
  test.slow(); // two production Next.js processes start on a machine busy with the other tests
  const web = spawn(process.execPath, ["server.mjs", "-p", String(PORT), "-H", "127.0.0.1"], {
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH ?? "",
      WEB_CONCURRENCY: "2",
      DATABASE_URL: E2E_DATABASE_URL,
      PYSTOL_QUEUE_PREFIX: E2E_REDIS_PREFIX,
      NEXTAUTH_URL: base,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      PYSTOL_ENCRYPTION_KEYS: process.env.PYSTOL_ENCRYPTION_KEYS ?? `e2e:${randomBytes(32).toString("base64")}`,
      SANDBOX_ADMIN_URL: E2E_SANDBOX_ADMIN_URL,
      SANDBOX_ADMIN_TOKEN: E2E_SANDBOX_ADMIN_TOKEN,
      PYSTOL_METRICS_TOKEN: METRICS_TOKEN,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = web;
  let output = "";
  web.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  web.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const primary = web.pid!;

  await expect.poll(healthy, { timeout: 90_000, intervals: [500] }).toBe(true);
  await expect.poll(() => output, { timeout: 10_000 }).toContain("2 processes");
  await expect.poll(() => children(primary).length, { timeout: 60_000 }).toBe(2);
  const [first, second] = children(primary) as [number, number];

  // Every request is answered, whichever process takes it; the landing page renders in both.
  const pages = await Promise.all(Array.from({ length: 12 }, () => fetch(`${base}/`)));
  expect(pages.map((r) => r.status)).toEqual(Array(12).fill(200));

  // Metrics: the process that takes the scrape answers for the whole app; a wrong token is refused.
  const scrape = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(scrape.status).toBe(200);
  expect(await scrape.text()).toMatch(/^# TYPE pystol_run_queue_depth gauge$/m);
  expect((await fetch(`${base}/api/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);

  // A process killed outright is replaced, and the server keeps answering meanwhile.
  process.kill(first, "SIGKILL");
  await expect.poll(() => children(primary).filter((p) => p !== first).length, { timeout: 60_000 }).toBe(2);
  expect(children(primary)).toContain(second);
  // The primary's message travels through a pipe and may arrive after the new process shows.
  await expect.poll(() => output, { timeout: 10_000 }).toContain(`web process ${first} exited (SIGKILL); starting another`);
  await expect.poll(healthy, { timeout: 60_000, intervals: [500] }).toBe(true);

  // SIGTERM to the primary stops every process and exits cleanly.
  const forked = children(primary);
  const exited = new Promise<number | null>((resolve) => web.once("exit", (code) => resolve(code)));
  web.kill("SIGTERM");
  expect(await exited).toBe(0);
  await expect.poll(() => forked.filter(alive).length, { timeout: 15_000 }).toBe(0);
});
