// The production web server: `next start`'s request handler, run in WEB_CONCURRENCY processes
// (default: one per CPU) that share one port through node:cluster. One Node.js process renders
// on one core; a burst of visitors needs all of them.
//   node server.mjs [-p PORT] [-H HOSTNAME]     (PORT from the environment too; default 3000, and
//   every interface, as `next start`: HOSTNAME is not read, since shells and containers set it)
// The primary only forks, restarts and stops the workers, and answers /api/metrics with the sum
// of every worker's metrics (lib/metrics/scrape.ts). Needs a production build (`next build`).
import cluster from "node:cluster";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { stampSocketAddress } from "./lib/audit/socket-address.mjs";
import { answeringOutagesAs503 } from "./lib/http/page-outage.mjs";

// Settings are checked before anything starts: a bad one is one clear message, not a crash
// loop of web processes.
function fail(message) {
  console.error(`server.mjs: ${message}`);
  process.exit(2);
}
let args;
try {
  args = parseArgs({ options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } } }).values;
} catch (err) {
  fail(`${err.message}; usage: node server.mjs [-p PORT] [-H HOSTNAME]`);
}
const portText = args.port ?? process.env.PORT ?? "3000";
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) fail(`the port must be a number from 0 to 65535, not "${portText}"`);
const hostname = args.hostname;
const concurrencyText = process.env.WEB_CONCURRENCY || String(os.availableParallelism());
const processes = Number(concurrencyText);
if (!/^\d+$/.test(concurrencyText) || processes < 1 || processes > 256) fail(`WEB_CONCURRENCY must be a whole number from 1 to 256, not "${concurrencyText}"`);

// Messages between the primary and the workers for a metrics scrape.
const SCRAPE = "pystol:metrics-scrape"; // worker → primary: every worker's metrics, please
const SCRAPED = "pystol:metrics-scraped"; // primary → worker: the aggregated text
const COLLECT = "pystol:metrics-collect"; // primary → each worker: your registry as JSON
const COLLECTED = "pystol:metrics-collected"; // each worker → primary

if (cluster.isPrimary && processes > 1) await primary();
else await worker(processes > 1);

async function primary() {
  const { AggregatorRegistry } = await import("prom-client");
  let stopping = false;
  const started = new Map(); // worker id → start time, to tell a crash loop from a rare crash
  let quickDeaths = 0;

  const fork = () => started.set(cluster.fork({ PYSTOL_WEB_CLUSTER: "1" }).id, Date.now());
  for (let i = 0; i < processes; i++) fork();

  cluster.on("exit", (w, code, signal) => {
    const age = Date.now() - (started.get(w.id) ?? 0);
    started.delete(w.id);
    if (stopping) {
      if (started.size === 0) process.exit(0);
      return;
    }
    console.error(`web process ${w.process.pid} exited (${signal ?? code}); starting another`);
    // A worker that cannot even start (no build, a bad setting) would be restarted forever.
    quickDeaths = age < 10_000 ? quickDeaths + 1 : 0;
    if (quickDeaths >= processes * 2) {
      console.error("web processes keep exiting at start; giving up");
      process.exit(1);
    }
    fork();
  });

  // A scrape: ask every live worker for its registry, sum them the way prom-client's cluster
  // mode does (counters and histograms add up; gauges say how, see lib/metrics), answer the one
  // that asked. A worker that does not answer within 3 s is left out rather than failing it.
  let nextId = 0;
  const pending = new Map();
  cluster.on("message", (w, msg) => {
    if (msg?.type === COLLECTED) {
      const p = pending.get(msg.id);
      if (!p) return;
      p.parts.push(msg.metrics);
      if (--p.waiting === 0) p.finish();
    } else if (msg?.type === SCRAPE) {
      const id = nextId++;
      const live = Object.values(cluster.workers ?? {}).filter((x) => x?.isConnected());
      const p = { parts: [], waiting: live.length };
      const timer = setTimeout(() => p.finish(), 3000);
      p.finish = async () => {
        clearTimeout(timer);
        pending.delete(id);
        let reply;
        try {
          reply = { type: SCRAPED, id: msg.id, body: await AggregatorRegistry.aggregate(p.parts).metrics() };
        } catch (err) {
          reply = { type: SCRAPED, id: msg.id, error: err instanceof Error ? err.message : String(err) };
        }
        if (w.isConnected()) w.send(reply);
      };
      pending.set(id, p);
      for (const x of live) x.send({ type: COLLECT, id });
    }
  });

  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGTERM"));
  console.log(`> Pystol web: ${processes} processes on http://${hostname ?? "localhost"}:${port}`);
}

async function worker(inCluster) {
  process.env.NODE_ENV = "production";
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: import.meta.dirname, hostname: hostname ?? "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();
  // Route handlers and actions learn the client's address from a header only this server writes
  // (lib/audit/client-ip.ts): with no proxy in front, the connection is the client.
  const server = http.createServer((req, res) => {
    stampSocketAddress(req);
    return answeringOutagesAs503(res, () => handle(req, res));
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, hostname, resolve));

  if (inCluster) {
    process.on("message", async (msg) => {
      if (msg?.type !== COLLECT) return;
      // Set by lib/metrics once a route that reports metrics has loaded in this process.
      const registry = globalThis.pystolRegistry;
      let metrics = [];
      try {
        metrics = registry ? await registry.getMetricsAsJSON() : [];
      } catch {
        // A collect() that failed (Redis down): this process's part is left out.
      }
      process.send?.({ type: COLLECTED, id: msg.id, metrics });
    });
  } else {
    console.log(`> Pystol web on http://${hostname ?? "localhost"}:${port}`);
  }

  // Stop taking connections, let the open requests finish, then exit (at most 5 s: live event
  // streams stay open until their client goes).
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
