import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAddressPolicy } from "./address-guard";
import { type KubeClient, type KubeClientOptions, createKubeClient } from "./guarded-client";
import type { Resolver } from "./guarded-agent";
import type { KubeCallEvent } from "./http-library";
import { KubeAccessError } from "./kube-access-error";
import { parseKubeconfig } from "./parse-kubeconfig";
import { type Listener, startListener, testTls } from "./testing/listener";
import type { ValidatedKubeconfig } from "./types";

const TOKEN = "SECRET-TOKEN-DO-NOT-LEAK-7f3a9c";
const CA = Buffer.from(testTls.caPem).toString("base64");
const closed: KubeClient[] = [];
let listener: Listener;

beforeAll(async () => {
  listener = await startListener();
});
afterAll(() => listener.close());
afterEach(async () => {
  closed.splice(0).forEach((c) => c.close());
  await listener.reset();
  listener.handle = defaultHandle;
});
let defaultHandle: Listener["handle"];
beforeAll(() => {
  defaultHandle = listener.handle;
});

function config(server: string): ValidatedKubeconfig {
  return { contextName: "c", cluster: { name: "k", server, caData: CA }, user: { name: "u", token: TOKEN } };
}

function client(server: string, options: KubeClientOptions = {}): KubeClient {
  const c = createKubeClient(
    { kind: "kubeconfig", config: config(server) },
    { policy: createAddressPolicy([]), timeoutMs: 2000, observe: () => {}, ...options },
  );
  closed.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<KubeAccessError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KubeAccessError);
    return err as KubeAccessError;
  }
  throw new Error("the request succeeded");
}

const fixed =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address }));

describe("user clusters are refused at internal addresses", () => {
  const port = () => listener.port;
  it.each([
    ["a loopback IP", () => `https://127.0.0.1:${port()}`],
    ["an IPv4-mapped IPv6 loopback", () => `https://[::ffff:127.0.0.1]:${port()}`],
    ["localhost", () => `https://localhost:${port()}`],
    ["a decimal IP", () => `https://2130706433:${port()}`],
    ["a hex IP", () => `https://0x7f000001:${port()}`],
    ["an octal IP", () => `https://0177.0.0.1:${port()}`],
    ["IPv6 loopback", () => `https://[::1]:${port()}`],
  ])("%s", async (_what, server) => {
    const err = await failure(client(new URL(server()).href.replace(/\/$/, "")).version.getCode());
    expect(err.code).toBe("address-refused");
    expect(err.message).toMatch(/loopback/);
    expect(listener.connections).toBe(0);
  });

  it("a name that resolves to loopback, uploaded as a kubeconfig", async () => {
    const text = `clusters: [{name: k, cluster: {server: "https://cluster.test:${listener.port}", certificate-authority-data: ${CA}}}]
users: [{name: u, user: {token: ${TOKEN}}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
`;
    const parsed = parseKubeconfig(text, { policy: createAddressPolicy([]) });
    const c = createKubeClient(
      { kind: "kubeconfig", config: parsed.config! },
      { resolve: fixed("127.0.0.1"), observe: () => {} },
    );
    closed.push(c);
    const err = await failure(c.core.listNode());
    expect(err.code).toBe("address-refused");
    expect(listener.connections).toBe(0);
  });

  it("a name whose DNS answer is an IPv4-mapped or NAT64 internal address", async () => {
    for (const address of ["::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::a9fe:a9fe"]) {
      const err = await failure(
        client(`https://cluster.test:${listener.port}`, { resolve: fixed(address) }).version.getCode(),
      );
      expect(err.code).toBe("address-refused");
    }
    expect(listener.connections).toBe(0);
  });

  it("a name with one public and one internal answer", async () => {
    const err = await failure(
      client(`https://cluster.test:${listener.port}`, {
        resolve: fixed("8.8.8.8", "127.0.0.1"),
      }).version.getCode(),
    );
    expect(err.code).toBe("address-refused");
    expect(listener.connections).toBe(0);
  });

  it("cloud metadata through every helper: API classes, watch, log and metrics", async () => {
    const c = client(`https://metadata.test:${listener.port}`, { resolve: fixed("169.254.169.254") });
    expect((await failure(c.core.listNamespacedPod({ namespace: "default" }))).code).toBe("address-refused");
    expect((await failure(c.metrics.getNodeMetrics())).code).toBe("address-refused");
    const stream = new (await import("node:stream")).PassThrough();
    expect((await failure(c.log.log("default", "p", "c", stream))).code).toBe("address-refused");
    const done = await new Promise<KubeAccessError | null>((resolve) => {
      void c.watch.watch("/api/v1/pods", {}, () => {}, resolve);
    });
    expect(done?.code).toBe("address-refused");
    expect(listener.connections).toBe(0);
  });
});

describe("the operator allowlist", () => {
  const allow = { policy: createAddressPolicy(["127.0.0.0/8"]) };

  it("lets a listed address through, verifying TLS against the name", async () => {
    const dialled: string[] = [];
    const events: KubeCallEvent[] = [];
    const c = client(`https://cluster.test:${listener.port}`, {
      ...allow,
      resolve: fixed("127.0.0.1"),
      onDial: (d) => dialled.push(d.address),
      observe: (e) => events.push(e),
    });
    const v = await c.version.getCode();
    expect(v.gitVersion).toBe("v1.31.0-test");
    await c.version.getCode();
    expect(listener.requests[0]).toMatchObject({ url: "/version", authorization: `Bearer ${TOKEN}` });
    // Two requests, one connection (kept alive), one resolution.
    expect(dialled).toEqual(["127.0.0.1"]);
    expect(listener.connections).toBe(1);
    expect(events).toEqual([
      expect.objectContaining({ target: "kubeconfig", method: "GET", status: 200 }),
      expect.objectContaining({ target: "kubeconfig", method: "GET", status: 200 }),
    ]);
  });

  it("a second DNS answer cannot redirect the connection", async () => {
    // The first answer (127.0.0.2, allowed) is checked and dialled; later answers would point
    // at the listener (127.0.0.1, not allowed). Nothing listens on 127.0.0.2.
    let calls = 0;
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? "127.0.0.2" : "127.0.0.1" }];
    const dialled: string[] = [];
    const c = client(`https://cluster.test:${listener.port}`, {
      policy: createAddressPolicy(["127.0.0.2/32"]),
      resolve: rebinding,
      onDial: (d) => dialled.push(d.address),
    });
    const err = await failure(c.version.getCode());
    expect(err.code).toBe("unreachable");
    expect(dialled).toEqual(["127.0.0.2"]);
    expect(calls).toBe(1);
    expect(listener.connections).toBe(0);
    // A later connection resolves again, sees the internal answer, and is refused.
    expect((await failure(c.version.getCode())).code).toBe("address-refused");
    expect(listener.connections).toBe(0);
  });

  it("closes a pooled connection that sits idle", async () => {
    const c = client(`https://127.0.0.1:${listener.port}`, { ...allow, idleMs: 100 });
    await c.version.getCode();
    await c.version.getCode();
    expect(listener.connections).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(listener.closedConnections).toBe(1);
    await c.version.getCode();
    expect(listener.connections).toBe(2);
  });

  it("does not follow redirects", async () => {
    listener.handle = (_req, res) => {
      res.writeHead(302, { location: "https://169.254.169.254/latest/meta-data/" });
      res.end();
    };
    const c = client(`https://127.0.0.1:${listener.port}`, allow);
    expect((await failure(c.version.getCode())).code).toBe("redirect");
    expect((await failure(c.metrics.getPodMetrics())).code).toBe("redirect");
    expect(listener.requests).toHaveLength(2);
  });

  it("times out a server that never answers", async () => {
    listener.handle = () => {};
    const started = Date.now();
    const err = await failure(
      client(`https://127.0.0.1:${listener.port}`, { ...allow, timeoutMs: 300 }).version.getCode(),
    );
    expect(err.code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("hand-built configs", () => {
  it("cannot carry credentials or a query in the server URL", () => {
    expect(() => client("https://user:pw@cluster.test")).toThrow(KubeAccessError);
    expect(() => client("https://cluster.test/?x=1")).toThrow(/host\[:port\]/);
  });
});

describe("plain http", () => {
  it("is refused unless the operator allows it, and then still guarded", async () => {
    const http = await import("node:http");
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits += 1;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ gitVersion: "v1.29.0-http" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect(() => client(url, { policy: createAddressPolicy(["127.0.0.0/8"]) })).toThrow(/https/);
      const refused = client(url, { policy: createAddressPolicy([], true) });
      expect((await failure(refused.version.getCode())).code).toBe("address-refused");
      const allowed = client(url, { policy: createAddressPolicy(["127.0.0.0/8"], true) });
      expect((await allowed.version.getCode()).gitVersion).toBe("v1.29.0-http");
      expect(hits).toBe(1);
    } finally {
      closed.splice(0).forEach((c) => c.close());
      server.close();
    }
  });
});

describe("the sandbox route", () => {
  it("reaches our own internal server without the address rules", async () => {
    const c = createKubeClient(
      {
        kind: "sandbox",
        server: `https://127.0.0.1:${listener.port}`,
        caPem: testTls.caPem,
        token: "sandbox-token",
      },
      { observe: () => {} },
    );
    closed.push(c);
    expect((await c.version.getCode()).gitVersion).toBe("v1.31.0-test");
    expect(listener.requests[0]?.authorization).toBe("Bearer sandbox-token");
  });
});
