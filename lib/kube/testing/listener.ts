import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";

const TLS_DIR = path.join(import.meta.dirname, "../testdata/tls");

/** The test CA and server certificate (names: cluster.test, localhost, 127.0.0.1). */
export const testTls = {
  caPem: readFileSync(path.join(TLS_DIR, "ca.pem"), "utf8"),
  cert: readFileSync(path.join(TLS_DIR, "server.pem"), "utf8"),
  key: readFileSync(path.join(TLS_DIR, "server-key.pem"), "utf8"),
};

export interface Listener {
  port: number;
  /** TCP connections accepted, and HTTP requests seen, since start. */
  connections: number;
  /** TCP connections that have closed since start. */
  closedConnections: number;
  requests: { method: string; url: string; authorization?: string }[];
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Drops every open connection, waits until each has closed, then zeroes the counters. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** An HTTPS listener on 127.0.0.1 that counts everything that reaches it. */
export async function startListener(): Promise<Listener> {
  const server = https.createServer({ cert: testTls.cert, key: testTls.key });
  const state: Listener = {
    port: 0,
    connections: 0,
    closedConnections: 0,
    requests: [],
    handle: (_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ major: "1", minor: "31", gitVersion: "v1.31.0-test", platform: "linux/amd64" }),
      );
    },
    reset: async () => {
      server.closeAllConnections();
      // Sockets close asynchronously; a close that lands after the reset would be counted
      // against the next test.
      while (state.closedConnections < state.connections) await new Promise((r) => setTimeout(r, 5));
      state.connections = 0;
      state.closedConnections = 0;
      state.requests = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("connection", (socket: import("node:net").Socket) => {
    state.connections += 1;
    socket.on("close", () => (state.closedConnections += 1));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    state.requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      authorization: req.headers.authorization,
    });
    state.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}
