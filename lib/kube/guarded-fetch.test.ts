import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAddressPolicy } from "./address-guard";
import { createKubeClient } from "./guarded-client";
import { GuardedFetchError, guardedFetch } from "./guarded-fetch";
import { type Listener, startListener, testTls } from "./testing/listener";

// guardedFetch (checks' public URLs, a team's Prometheus) and raw.request (the service proxy):
// the address rules, no redirect followed, and bodies cut at the limit instead of read whole.

let plain: http.Server;
let base = "";
let tlsListener: Listener;
const big = "x".repeat(1024 * 1024);

beforeAll(async () => {
  plain = http.createServer((req, res) => {
    if (req.url === "/redirect") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    } else if (req.url === "/big") {
      res.end(big);
    } else {
      res.end("ok");
    }
  });
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  tlsListener = await startListener();
});
afterAll(async () => {
  await new Promise((r) => plain.close(r));
  await tlsListener.close();
});

const loopback = createAddressPolicy(["127.0.0.0/8"]);

describe("guardedFetch", () => {
  it("refuses internal addresses unless the operator admits them", async () => {
    const err = await guardedFetch(`${base}/`, {
      timeoutMs: 2000,
      maxBodyBytes: 100,
      allowHttp: true,
      policy: createAddressPolicy([]),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuardedFetchError);
    expect((err as GuardedFetchError).code).toBe("refused");
    expect((err as Error).message).toBe(
      "The address 127.0.0.1 is a loopback address, which this service does not connect to unless its operator allows that range in PYSTOL_KUBE_ALLOWED_CIDRS.",
    );
    expect(
      await guardedFetch(`${base}/`, {
        timeoutMs: 2000,
        maxBodyBytes: 100,
        allowHttp: true,
        policy: loopback,
      }),
    ).toMatchObject({ status: 200, body: "ok", truncated: false });
  });

  it("answers a redirect instead of following it, refuses plain http unless allowed, and verifies TLS", async () => {
    expect(
      await guardedFetch(`${base}/redirect`, {
        timeoutMs: 2000,
        maxBodyBytes: 100,
        allowHttp: true,
        policy: loopback,
      }),
    ).toMatchObject({ status: 302 });
    await expect(
      guardedFetch(`${base}/`, { timeoutMs: 2000, maxBodyBytes: 100, allowHttp: false, policy: loopback }),
    ).rejects.toThrow("Only https:// URLs can be fetched.");
    const tls = await guardedFetch(`https://127.0.0.1:${tlsListener.port}/`, {
      timeoutMs: 2000,
      maxBodyBytes: 100,
      allowHttp: false,
      policy: loopback,
    }).catch((e: unknown) => e);
    expect((tls as GuardedFetchError).code).toBe("tls");
  });

  it("keeps only the first bytes of a large body", async () => {
    const r = await guardedFetch(`${base}/big`, {
      timeoutMs: 5000,
      maxBodyBytes: 1000,
      allowHttp: true,
      policy: loopback,
    });
    expect(r).toMatchObject({ status: 200, truncated: true });
    expect(r.body.length).toBe(1000);
  });
});

describe("raw.request", () => {
  it("cuts a large answer at the limit and marks it, and keeps a path's trailing slash", async () => {
    const seen: string[] = [];
    tlsListener.handle = (req, res) => {
      seen.push(req.url ?? "");
      res.setHeader("content-type", "text/plain");
      res.end(big);
    };
    const client = createKubeClient(
      {
        kind: "sandbox",
        server: `https://127.0.0.1:${tlsListener.port}`,
        caPem: testTls.caPem,
        token: "t0ken-for-tests",
      },
      { idleMs: 1000 },
    );
    try {
      const r = await client.raw.request("/api/v1/namespaces/a/services/b:http/proxy/", {
        maxBodyBytes: 2048,
      });
      expect(r).toMatchObject({ status: 200, truncated: true });
      expect(r.body.length).toBe(2048);
      expect(r.headers["x-pystol-truncated"]).toBeUndefined();
      expect(seen).toEqual(["/api/v1/namespaces/a/services/b:http/proxy/"]);
      const whole = await client.raw.request("/x", { maxBodyBytes: 2 * big.length });
      expect(whole).toMatchObject({ truncated: false });
      expect(whole.body.length).toBe(big.length);
    } finally {
      client.close();
    }
  });
});
