import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PystolClient } from "./client";
import { followRun, type FollowEvent } from "./follow";

// The follower against a server that goes away mid-stream, as a web process does when it is
// killed or restarted: the connection is reset, then refused for a while, then answers again.

const run = (state: string) => ({ run: { id: "r1", action: "pod-kill", cluster: { id: "c", name: "c" }, state, finished: state === "SUCCEEDED" } });

interface Script {
  /** Answers the n-th request to the event stream. */
  events(n: number, req: http.IncomingMessage, res: http.ServerResponse): void;
  state(): string;
}

let servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

async function serve(script: Script, port = 0): Promise<{ port: number; server: http.Server; asked: string[] }> {
  const asked: string[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    asked.push(req.url ?? "");
    if (req.url?.includes("/events")) return script.events(n++, req, res);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(run(script.state())));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, server, asked };
}

const sse = (res: http.ServerResponse, events: object[]) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
};

describe("following a run when the server goes away", () => {
  it("resumes after a reset connection from the last line shown, shows nothing twice, and returns the finished run", async () => {
    let state = "RUNNING";
    const { port, asked } = await serve({
      state: () => state,
      events(n, _req, res) {
        const first = { type: "log", id: "7", level: "info", message: "deleting pod cart-1", at: "2026-12-07T10:00:00.000Z" };
        if (n === 0) {
          sse(res, [{ type: "state", state: "RUNNING", at: "2026-12-07T10:00:00.000Z" }, first]);
          // The web process dies: its socket is reset mid-stream.
          setTimeout(() => res.socket?.resetAndDestroy(), 50);
          return;
        }
        state = "SUCCEEDED";
        sse(res, [first, { type: "log", id: "8", level: "info", message: "pod cart-1 replaced", at: "2026-12-07T10:00:01.000Z" }, { type: "state", state: "SUCCEEDED", at: "2026-12-07T10:00:02.000Z" }]);
        res.end();
      },
    });
    const client = new PystolClient({ server: `http://127.0.0.1:${port}`, team: "t", token: "pst_x" });
    const seen: FollowEvent[] = [];
    const done = await followRun(client, "r1", (e) => seen.push(e));
    expect(done.state).toBe("SUCCEEDED");
    expect(seen.filter((e) => e.text.includes("deleting pod cart-1"))).toHaveLength(1);
    expect(seen.map((e) => e.text)).toContain("info  pod cart-1 replaced");
    expect(asked.filter((u) => u.includes("/events"))[1]).toContain("after=7");
  });

  it("waits for a server that refuses connections for a while, then follows it to the end", async () => {
    let state = "RUNNING";
    const first = await serve({
      state: () => state,
      events(_n, _req, res) {
        sse(res, [{ type: "state", state: "RUNNING", at: "2026-12-07T10:00:00.000Z" }]);
        setTimeout(() => res.socket?.resetAndDestroy(), 50);
      },
    });
    const client = new PystolClient({ server: `http://127.0.0.1:${first.port}`, team: "t", token: "pst_x" });
    const following = followRun(client, "r1", () => undefined);
    // The server is gone: connections are refused until a new process listens on the port.
    await new Promise((r) => setTimeout(r, 100));
    first.server.closeAllConnections();
    await new Promise((r) => first.server.close(r));
    servers = servers.filter((s) => s !== first.server);
    await new Promise((r) => setTimeout(r, 1200));
    state = "SUCCEEDED";
    await serve(
      {
        state: () => state,
        events(_n, _req, res) {
          sse(res, [{ type: "state", state: "SUCCEEDED", at: "2026-12-07T10:00:02.000Z" }]);
          res.end();
        },
      },
      first.port,
    );
    expect((await following).state).toBe("SUCCEEDED");
  });

  it("gives up after the reconnection window with a sentence that says the run may still be going", async () => {
    process.env.PYSTOL_CLI_RECONNECT_MS = "1500";
    const { port, server } = await serve({ state: () => "RUNNING", events: (_n, _req, res) => res.socket?.resetAndDestroy() });
    server.close();
    server.closeAllConnections();
    const client = new PystolClient({ server: `http://127.0.0.1:${port}`, team: "t", token: "pst_x" });
    await expect(followRun(client, "r1", () => undefined)).rejects.toThrow(/the run may still be going: pystol runs get r1/);
    delete process.env.PYSTOL_CLI_RECONNECT_MS;
  });
});
