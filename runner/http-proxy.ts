// The runner's proxy for HTTP faults: requests arriving at the target's port are redirected
// here; the asked share of those under the path prefix is delayed or answered with an error,
// and everything else goes on to the target through the loopback unchanged.
import http from "node:http";

export interface HttpProxyOptions {
  targetPort: number;
  pathPrefix?: string;
  percent: number;
  delayMs: number;
  status?: number;
  faultId: string;
  /** For tests of the share: a source of numbers in [0, 1). */
  random?: () => number;
}

export interface RunningProxy {
  port: number;
  readonly affected: () => number;
  close(): Promise<void>;
}

export async function startHttpProxy(opts: HttpProxyOptions): Promise<RunningProxy> {
  const random = opts.random ?? Math.random;
  const timers = new Set<NodeJS.Timeout>();
  let affected = 0;
  const wait = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(() => {
        timers.delete(t);
        r();
      }, ms);
      timers.add(t);
    });

  const server = http.createServer((req, res) => {
    void (async () => {
      const hit =
        (!opts.pathPrefix || (req.url ?? "/").startsWith(opts.pathPrefix)) && random() * 100 < opts.percent;
      if (hit) {
        affected += 1;
        if (opts.delayMs > 0) await wait(opts.delayMs);
        if (opts.status !== undefined) {
          req.resume();
          res.writeHead(opts.status, {
            "content-type": "text/plain; charset=utf-8",
            "x-pystol-fault": opts.faultId,
          });
          res.end(`Error ${opts.status} injected by a Pystol fault.\n`);
          return;
        }
      }
      // The redirect left the connection addressed to the pod's own address on the interface it
      // came in by; the target is reached there, so a server bound to that address alone works too.
      const host = req.socket.localAddress ?? "127.0.0.1";
      const upstream = http.request(
        { host, port: opts.targetPort, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
        res.end();
      });
      req.pipe(upstream);
    })();
  });
  await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the HTTP proxy has no port");
  return {
    port: address.port,
    affected: () => affected,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
