import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

// Test-only: a PostgreSQL server of the caller's own (initdb into a temporary directory, its own
// port), so that it can be stopped and started without touching the machine's server. Uses
// Debian's server binaries (/usr/lib/postgresql/<version>/bin, from the `postgresql` package).
// PostgreSQL refuses to run as root: as root, initdb and the server run as the `postgres` user
// (setpriv, which execs, so the child's pid is the server's own and signals reach it).

const PG_ROOT = "/usr/lib/postgresql";

/** The newest installed server's bin directory, or an error saying what to install. */
export function postgresBinDir(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => /^\d+$/.test(v) && existsSync(path.join(PG_ROOT, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`No PostgreSQL server binaries under ${PG_ROOT}/<version>/bin: install Debian's postgresql package (apt-get install -y postgresql).`);
  return path.join(PG_ROOT, versions[0]!, "bin");
}

/** As root: the uid and gid of `postgres`, which the server runs as; otherwise null (run as the current user). */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const uid = id("-u");
  const gid = id("-g");
  if (uid.status !== 0 || gid.status !== 0) throw new Error("Running as root, and PostgreSQL refuses to run as root: a `postgres` user is needed (Debian's postgresql package creates it).");
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export interface PrivatePostgres {
  port: number;
  dataDir: string;
  /** A connection URL to a database of this server. */
  url(database: string): string;
  /** The running server's process (null while stopped). */
  child(): ChildProcess | null;
  /** Starts the server (after stop or kill); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server: "fast" (SIGINT: clean shutdown) or "immediate" (SIGQUIT: no checkpoint, crash recovery at the next start). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Stops the server and removes its data directory. */
  destroy(): Promise<void>;
}

/** initdb into a new temporary directory and starts the server on 127.0.0.1:port (trust authentication, user postgres). */
export async function startPrivatePostgres(opts: { port: number; maxConnections?: number }): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const user = serverUser();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pystol-pg-"));
  if (user) chownSync(dataDir, user.uid, user.gid);
  const asServerUser = (cmd: string, args: string[]): [string, string[]] =>
    user ? ["setpriv", [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", cmd, ...args]] : [cmd, args];
  const [initCmd, initArgs] = asServerUser(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  const init = spawnSync(initCmd, initArgs, { encoding: "utf8", cwd: dataDir });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);

  let proc: ChildProcess | null = null;
  const url = (database: string) => `postgresql://postgres@127.0.0.1:${opts.port}/${database}`;
  async function start(): Promise<void> {
    const [cmd, args] = asServerUser(path.join(bin, "postgres"), [
      "-D", dataDir, "-p", String(opts.port), "-k", dataDir,
      "-c", "listen_addresses=127.0.0.1",
      "-c", `max_connections=${opts.maxConnections ?? 200}`,
      "-c", "logging_collector=off", "-c", "log_min_messages=fatal",
    ]);
    const child = spawn(cmd, args, { cwd: dataDir, stdio: ["ignore", "ignore", "ignore"] });
    proc = child;
    for (let i = 0; ; i++) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`PostgreSQL on port ${opts.port} exited at start (${child.exitCode ?? child.signalCode}); is the port taken?`);
      const c = new pg.Client({ connectionString: url("postgres"), connectionTimeoutMillis: 1000 });
      const ok = await c.connect().then(() => true, () => false);
      await c.end().catch(() => undefined);
      if (ok) return;
      if (i > 300) throw new Error(`PostgreSQL on port ${opts.port} did not accept connections within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  async function stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    const child = proc;
    proc = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(mode === "fast" ? "SIGINT" : "SIGQUIT");
    await exited;
  }
  await start();
  return {
    port: opts.port,
    dataDir,
    url,
    child: () => proc,
    start,
    stop,
    async destroy() {
      await stop("fast");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a database on a server (its owner: postgres). */
export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await c.end();
  }
}
