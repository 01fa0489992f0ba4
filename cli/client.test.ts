import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ApiFailure, PystolClient } from "./client";

// A request that changes something goes out with an Idempotency-Key and, when the server is
// away for a moment, again with the same key: the server (app/api/v1/idempotency.test.ts)
// acts once.
let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(handler: http.RequestListener): Promise<PystolClient> {
  server = http.createServer(handler);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return new PystolClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, team: "t", token: "pst_x" });
}

describe("the CLI's requests", () => {
  it("send a change again with the same Idempotency-Key after a reset connection or a 503", async () => {
    const keys: (string | undefined)[] = [];
    const client = await serve((req, res) => {
      keys.push(req.headers["idempotency-key"] as string | undefined);
      if (keys.length === 1) return req.socket.resetAndDestroy();
      if (keys.length === 2) return res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"code":"unavailable","message":"try again"}}');
      res.writeHead(201, { "content-type": "application/json" }).end('{"run":{"id":"r1"}}');
    });
    expect(await client.request<{ run: { id: string } }>("/runs", { method: "POST", body: { action: "pod-kill" } })).toEqual({ run: { id: "r1" } });
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it("do not send a refusal again, and reads carry no key", async () => {
    const keys: (string | undefined)[] = [];
    const client = await serve((req, res) => {
      keys.push(req.headers["idempotency-key"] as string | undefined);
      res.writeHead(req.method === "GET" ? 200 : 422, { "content-type": "application/json" }).end(req.method === "GET" ? "{}" : '{"error":{"code":"blast_radius","message":"too many"}}');
    });
    await expect(client.request("/runs", { method: "POST", body: {} })).rejects.toEqual(new ApiFailure(422, "blast_radius", "too many"));
    await client.request("/runs");
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBeUndefined();
  });
});
