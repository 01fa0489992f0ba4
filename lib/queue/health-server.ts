import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import { registry } from "@/lib/metrics";
import { checkDependencies } from "./check-dependencies";
import { healthAccess } from "./health-access";

/**
 * Serves GET /healthz (200 when PostgreSQL and Redis answer, else 503) and GET /metrics; on an
 * address other than loopback, only to callers with the metrics token (see healthAccess).
 */
export async function startHealthServer(port: number, redis: Redis, host = "127.0.0.1", token = process.env.PYSTOL_METRICS_TOKEN): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (healthAccess(host, req.headers.authorization, token) !== "ok") {
      res
        .writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="pystol-worker"' })
        .end("Send the metrics token: Authorization: Bearer <PYSTOL_METRICS_TOKEN>.\n");
    } else if (req.method !== "GET") {
      res.writeHead(405).end();
    } else if (path === "/healthz") {
      void checkDependencies(redis).then((h) => {
        res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(h));
      });
    } else if (path === "/metrics") {
      // A scrape while Redis is away must answer an error, not take the process down.
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        (err: Error) => res.writeHead(503, { "content-type": "text/plain" }).end(`metrics unavailable: ${err.message}\n`),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return server;
}

/** The port a server listens on (useful with port 0). */
export function serverPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
