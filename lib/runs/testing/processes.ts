import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

// Test-only: real worker processes and a private Redis server, stopped by their own pid.

/**
 * Starts `workers/worker.ts` as a child process; resolves once it reports ready. With
 * cpuProfileDir the worker writes a V8 CPU profile there when it exits (which it only does on a
 * graceful stop: stop it with stopGracefully, not killHard).
 */
export function startWorkerProcess(env: Record<string, string>, opts: { cpuProfileDir?: string; stderr?: "inherit" | "ignore" | number } = {}): Promise<ChildProcess> {
  const profile = opts.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", opts.cpuProfileDir] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "workers/worker.ts"], {
    env: { ...process.env, WORKER_HEALTH_PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", opts.stderr ?? "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/WORKER_READY \d+/.test(out)) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

/** SIGKILL: no shutdown code runs, as when a machine dies. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

/** SIGTERM, then waits for the process to finish its shutdown and exit. */
export async function stopGracefully(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A Redis server of the test's own on the given port, keeping nothing on disk. */
export async function startRedis(port: number, opts: { stderr?: "inherit" | "ignore" | number } = {}): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", opts.stderr ?? "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("Ready to accept connections")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return child;
}

/**
 * Starts `workers/sandbox.ts` as a child process (as in production) on free ports. With
 * cpuProfileDir it writes a V8 CPU profile there when it stops on SIGTERM. A restart after a
 * crash passes the same dataDir, ports and admin token (and env, e.g. SANDBOX_SNAPSHOT=1).
 */
export async function startSandboxProcess(
  opts: {
    cpuProfileDir?: string;
    dataDir?: string;
    port?: number;
    adminPort?: number;
    adminToken?: string;
    env?: Record<string, string>;
    stdout?: "ignore" | number;
    stderr?: "inherit" | "ignore" | number;
  } = {},
): Promise<{ child: ChildProcess; adminUrl: string; adminToken: string; dataDir: string; port: number; adminPort: number }> {
  const port = opts.port ?? (await freePort());
  const adminPort = opts.adminPort ?? (await freePort());
  const adminToken = opts.adminToken ?? randomBytes(24).toString("hex");
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "pystol-sandbox-"));
  const profile = opts.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", opts.cpuProfileDir] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "workers/sandbox.ts"], {
    env: { ...process.env, SANDBOX_PORT: String(port), SANDBOX_ADMIN_PORT: String(adminPort), SANDBOX_ADMIN_TOKEN: adminToken, SANDBOX_DATA_DIR: dataDir, LOG_LEVEL: "warn", ...opts.env },
    stdio: ["ignore", opts.stdout ?? "ignore", opts.stderr ?? "inherit"],
  });
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`sandbox exited early with ${child.exitCode}`);
    const ok = await fetch(`${adminUrl}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 600) throw new Error("sandbox did not become healthy");
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, adminUrl, adminToken, dataDir, port, adminPort };
}

/** Polls url until it answers 2xx; fails when the child exits first or after timeoutMs. */
export async function waitHealthy(url: string, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited early (${child.exitCode ?? child.signalCode})`);
    if (await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
    if (Date.now() > until) throw new Error(`${what} did not become healthy within ${Math.round(timeoutMs / 1000)} s (${url})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the production web app as the container image does (`node server.mjs`, which needs
 * `npx next build` first) on the given or a free port of 127.0.0.1; resolves once
 * /api/health answers. NEXTAUTH_URL is the process's own address unless env sets it.
 * nodeArgs: extra Node flags (e.g. --cpu-prof; Node refuses those in NODE_OPTIONS).
 */
export async function startWebProcess(
  opts: {
    port?: number;
    env?: Record<string, string>;
    nodeArgs?: string[];
    stdout?: "ignore" | number;
    stderr?: "inherit" | "ignore" | number;
    /** How long to wait for /api/health (60 s; a busy machine may need more). */
    healthTimeoutMs?: number;
  } = {},
): Promise<{ child: ChildProcess; port: number; base: string }> {
  const port = opts.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "server.mjs", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "production", NEXTAUTH_URL: base, ...opts.env },
    stdio: ["ignore", opts.stdout ?? "ignore", opts.stderr ?? "inherit"],
  });
  try {
    await waitHealthy(`${base}/api/health`, child, "the web server", opts.healthTimeoutMs);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return { child, port, base };
}
