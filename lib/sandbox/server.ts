import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createLogger } from "../log";
import { handleAdmin } from "./admin-server";
import { sendError } from "./api/http";
import { handleApi } from "./api/router";
import type { ClusterOptions } from "./context";
import { ApiError, internal, tooManyRequests, unauthorized } from "./errors";
import { ClusterManager } from "./manager";
import { SandboxMetrics } from "./metrics";
import { answerWhenDurable, mayWrite } from "./commit";
import { Durability } from "./durable";
import type { JournalStats } from "./journal";
import { loadOrCreateTls } from "./tls";

const log = createLogger("sandbox");

export interface SandboxServerOptions {
  host?: string;
  /** Cluster API port (HTTPS); 0 picks a free one. */
  port?: number;
  /** Admin interface port (HTTP, internal); 0 picks a free one. */
  adminPort?: number;
  adminToken?: string;
  /** Where the CA, the admin token and snapshots live; null keeps everything in memory. */
  dataDir?: string | null;
  tlsSans?: string[];
  /** Base URL written into kubeconfigs, when clients reach the API by another address. */
  publicUrl?: string;
  /** Keep the clusters in dataDir: a snapshot now and then (snapshotIntervalMs) and on close. */
  snapshot?: boolean;
  /**
   * With snapshot: also journal every change before answering it (default), so that an
   * acknowledged write survives a crash; false leaves only the snapshots (lib/sandbox/durable.ts).
   */
  journal?: boolean;
  snapshotIntervalMs?: number;
  /** The journal could not be written (disk full, I/O error); default: log and exit(1). */
  onJournalFailure?: (e: Error) => void;
  clusterDefaults?: Partial<ClusterOptions>;
}

export interface SandboxServer {
  apiUrl: string;
  adminUrl: string;
  adminToken: string;
  caPem: string;
  manager: ClusterManager;
  /** Records, bytes and fdatasyncs of the journal so far (zero without one). */
  journalStats(): JournalStats;
  close(): Promise<void>;
}

function adminTokenFrom(dir: string | null, given: string | undefined): string {
  if (given) return given;
  if (!dir) return randomBytes(24).toString("base64url");
  const file = path.join(dir, "admin-token");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const t = randomBytes(24).toString("base64url");
  writeFileSync(file, t + "\n", { mode: 0o600 });
  return t;
}

const bearer = (req: IncomingMessage) => {
  const h = req.headers.authorization;
  return h && h.startsWith("Bearer ") ? h.slice(7).trim() : undefined;
};

/** Start the sandbox: the HTTPS cluster API (all virtual clusters) and the admin interface. */
export async function startSandboxServer(opts: SandboxServerOptions = {}): Promise<SandboxServer> {
  const host = opts.host ?? "127.0.0.1";
  const dataDir = opts.dataDir === undefined ? null : opts.dataDir;
  const tls = loadOrCreateTls(dataDir, opts.tlsSans ?? []);
  const adminToken = adminTokenFrom(dataDir, opts.adminToken);
  const manager = new ClusterManager(opts.clusterDefaults, tls.caPem);
  const metrics = new SandboxMetrics();
  const durability =
    dataDir && opts.snapshot
      ? new Durability(manager, {
          dataDir,
          journal: opts.journal ?? true,
          clusterDefaults: opts.clusterDefaults,
          onFailure:
            opts.onJournalFailure ??
            ((e) => {
              // Changes were made in memory that cannot be made durable: stop, to be restarted
              // from what is on disk (as etcd panics on a WAL write failure).
              log.fatal({ err: e }, "journal write failed; stopping");
              process.exit(1);
            }),
        })
      : null;
  if (durability) {
    const r = durability.open();
    log.info(r, "clusters restored");
  }

  const api = https.createServer({ cert: tls.certPem, key: tls.keyPem, keepAliveTimeout: 65_000 }, (req, res) => {
    void serveApi(req, res);
  });
  api.headersTimeout = 30_000;
  api.requestTimeout = 0;

  async function serveApi(req: IncomingMessage, res: ServerResponse) {
    const started = process.hrtime.bigint();
    let verb = "unknown";
    try {
      const url = new URL(req.url ?? "/", "https://sandbox");
      const m = /^\/c\/([a-z0-9]+)(\/.*)?$/.exec(url.pathname);
      // Without the /c/<id> prefix (kubectl get --raw drops it) the token alone names the cluster.
      const who = manager.identify(m?.[1], bearer(req));
      if (!who) throw unauthorized();
      const c = who.cluster;
      c.requests++;
      if (durability && mayWrite(req)) answerWhenDurable(res, () => durability.sync());
      const wait = c.bucket.take();
      if (wait > 0)
        throw tooManyRequests("rate", `This cluster may send ${c.opts.requestsPerSecond} requests a second (bursts of ${c.opts.requestBurst}).`, Math.max(1, Math.ceil(wait)));
      verb = await handleApi(c, req, res, m ? (m[2] ?? "/") : url.pathname, url.searchParams, who.user);
    } catch (e) {
      const err = e instanceof ApiError ? e : internal("an internal error occurred");
      if (!(e instanceof ApiError)) log.error({ err: e, path: req.url?.split("?")[0] }, "request failed");
      if (err.limit) metrics.refusals.inc({ limit: err.limit });
      // An unread body (too large, refused) leaves the connection unusable for the next request.
      if (!req.complete) res.setHeader("Connection", "close");
      req.resume();
      sendError(res, err);
    } finally {
      metrics.requests.inc({ verb, code: String(res.statusCode) });
      // A proxied answer waits for the simulated application (lib/sandbox/app); that is not API latency.
      if (verb !== "watch" && verb !== "proxy") metrics.latency.observe({ verb }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  let apiBase = opts.publicUrl ?? "";
  const admin = http.createServer((req, res) => {
    if (durability && mayWrite(req)) answerWhenDurable(res, () => durability.sync());
    handleAdmin({ manager, metrics, adminToken, caPem: tls.caPem, apiBase: () => apiBase }, req, res).catch((e: unknown) => {
      log.error({ err: e }, "admin request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  const listen = (s: http.Server | https.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, host, () => resolve((s.address() as AddressInfo).port));
    });
  const apiPort = await listen(api, opts.port ?? 6443);
  const adminPort = await listen(admin, opts.adminPort ?? 6444);
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  const apiUrl = `https://${urlHost}:${apiPort}`;
  if (!apiBase) apiBase = apiUrl;

  let timer: NodeJS.Timeout | null = null;
  if (durability) {
    timer = setInterval(() => {
      try {
        durability.snapshot();
      } catch (e) {
        log.error({ err: e }, "snapshot failed");
      }
    }, opts.snapshotIntervalMs ?? 60_000);
    timer.unref();
  }

  return {
    apiUrl,
    adminUrl: `http://${urlHost}:${adminPort}`,
    adminToken,
    caPem: tls.caPem,
    manager,
    journalStats: () => ({ ...(durability?.stats ?? { records: 0, bytes: 0, flushes: 0 }) }),
    async close() {
      if (timer) clearInterval(timer);
      await durability?.close();
      manager.close();
      api.closeAllConnections();
      admin.closeAllConnections();
      await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => admin.close(r))]);
    },
  };
}
