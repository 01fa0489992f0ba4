import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAddressPolicy, createKubeClient, type KubeClient } from "@/lib/kube";
import { eventually, startHarness, type Harness } from "@/lib/sandbox/conformance/harness";
import {
  checkPermissions,
  evaluateCheck,
  parseCheck,
  type CheckContext,
  type CheckDefinition,
  type CheckInput,
} from "./index";
import { freePort, startShopPrometheus, type TestPrometheus } from "./testing/prometheus";

// The check evaluators against a real sandbox cluster (its service proxy and application model)
// and a real Prometheus scraping the shop: each check type passes, fails when cart is scaled to
// zero, passes again once it is back, and errors are told apart from failures.

let h: Harness;
let client: KubeClient;
let clusterId = "";
let prom: TestPrometheus;
// The sandbox and Prometheus listen on loopback: the tests admit it as an operator would with
// PYSTOL_KUBE_ALLOWED_CIDRS and PYSTOL_KUBE_ALLOW_HTTP.
const loopbackAllowed = createAddressPolicy(["127.0.0.0/8"], true);

beforeAll(async () => {
  h = await startHarness();
  const c = await h.newCluster("demo");
  clusterId = c.id;
  client = createKubeClient({ kind: "sandbox", server: c.server, caPem: h.server.caPem, token: c.token });
  prom = await startShopPrometheus(c, h.server.caPem);
});
afterAll(async () => {
  prom?.close();
  client?.close();
  await h?.close();
});

function check(input: CheckInput): CheckDefinition {
  const r = parseCheck(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.check;
}

const ctx = (): CheckContext => ({
  client,
  prometheus: { url: prom.url },
  policy: loopbackAllowed,
  timeoutMs: 5000,
});

async function scaleCart(replicas: number) {
  await client.apps.patchNamespacedDeploymentScale(
    { name: "cart", namespace: "shop", body: { spec: { replicas } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
}

const checkout = check({
  name: "checkout",
  type: "http",
  target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" },
  expect: { status: ["2xx"], maxLatencyMs: 2000 },
});
const cartReplicas = check({
  name: "cart replicas",
  type: "kubernetes",
  check: {
    condition: "workload-available",
    workload: "Deployment",
    namespace: "shop",
    name: "cart",
    minAvailable: 1,
  },
});
const cartReady = check({
  name: "cart pods",
  type: "kubernetes",
  check: { condition: "pods-ready", namespace: "shop", selector: "app=cart", minReadyPercent: 100 },
});
const cartUp = check({
  name: "cart ready replicas",
  type: "prometheus",
  query: 'shop_ready_replicas{service="cart"}',
  op: ">=",
  threshold: 1,
});

// checkout's failed requests per second over the last 5 s, from the shop's own counters.
const checkoutErrors = check({
  name: "checkout errors",
  type: "prometheus",
  query: 'sum(rate(http_requests_total{service="checkout",code!="200"}[5s])) or vector(0)',
  op: "<",
  threshold: 1,
});

describe("checks against the sandbox and a real Prometheus", () => {
  it("pass while the shop is healthy, fail while cart is scaled to zero, pass once it is back", async () => {
    await eventually(async () => (await evaluateCheck(ctx(), cartUp)).outcome === "pass", 300);
    for (const c of [checkout, cartReplicas, cartReady, cartUp]) {
      const r = await evaluateCheck(ctx(), c);
      expect({ name: c.name, outcome: r.outcome, observed: r.observed }).toMatchObject({
        name: c.name,
        outcome: "pass",
      });
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.at).toBeInstanceOf(Date);
    }
    const ok = await evaluateCheck(ctx(), checkout);
    expect(ok.observed).toMatch(/^frontend answered 200 in \d+ ms\.$/);
    expect(ok.value).toBeGreaterThan(0);

    await scaleCart(0);
    await eventually(async () => (await evaluateCheck(ctx(), checkout)).outcome === "fail");
    const down = await evaluateCheck(ctx(), checkout);
    expect(down.observed).toMatch(/^frontend answered 502 in \d+ ms; expected 2xx\.$/);
    const replicas = await evaluateCheck(ctx(), cartReplicas);
    expect(replicas).toMatchObject({
      outcome: "fail",
      value: 0,
      observed: "Deployment shop/cart has 0 available of 0 desired replicas; expected at least 1.",
    });
    await eventually(async () => (await evaluateCheck(ctx(), cartUp)).outcome === "fail", 300);
    expect(await evaluateCheck(ctx(), cartUp)).toMatchObject({
      outcome: "fail",
      value: 0,
      observed: "cart ready replicas is 0; expected >= 1.",
    });
    // The cart service itself has no endpoints: the API server's own 503, a failure with its words.
    const cartDirect = await evaluateCheck(
      ctx(),
      check({
        name: "cart",
        type: "http",
        target: { kind: "service", namespace: "shop", service: "cart", port: "http", path: "/healthz" },
      }),
    );
    expect(cartDirect.outcome).toBe("fail");
    expect(cartDirect.observed).toContain("cart answered 503");
    expect(cartDirect.observed).toContain('(the API server: no endpoints available for service "cart")');

    await scaleCart(2);
    await eventually(async () => (await evaluateCheck(ctx(), checkout)).outcome === "pass");
    expect((await evaluateCheck(ctx(), cartReplicas)).outcome).toBe("pass");
    await eventually(async () => (await evaluateCheck(ctx(), cartReady)).outcome === "pass");
    await eventually(async () => (await evaluateCheck(ctx(), cartUp)).outcome === "pass", 300);
  });

  it("a PromQL error rate over the shop's counters passes while healthy and fails while cart is down", async () => {
    await eventually(async () => (await evaluateCheck(ctx(), checkoutErrors)).outcome === "pass", 300);
    await scaleCart(0);
    try {
      await eventually(async () => (await evaluateCheck(ctx(), checkoutErrors)).outcome === "fail", 300);
      const r = await evaluateCheck(ctx(), checkoutErrors);
      expect(r.value).toBeGreaterThanOrEqual(1);
      expect(r.observed).toMatch(/^checkout errors is [\d.]+; expected < 1\.$/);
    } finally {
      await scaleCart(2);
    }
    await eventually(async () => (await evaluateCheck(ctx(), checkoutErrors)).outcome === "pass", 300);
  });

  it("HTTP expectations on latency and body fail with a sentence; body patterns match", async () => {
    const fast = await evaluateCheck(
      ctx(),
      check({
        name: "checkout fast",
        type: "http",
        target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" },
        expect: { maxLatencyMs: 1 },
      }),
    );
    expect(fast.outcome).toBe("fail");
    expect(fast.observed).toMatch(/expected at most 1 ms\.$/);
    const body = (contains: string | undefined, matches: string | undefined) =>
      evaluateCheck(
        ctx(),
        check({
          name: "health",
          type: "http",
          target: { kind: "service", namespace: "shop", service: "cart", port: "http", path: "/healthz" },
          expect: {
            ...(contains ? { bodyContains: contains } : {}),
            ...(matches ? { bodyMatches: matches } : {}),
          },
        }),
      );
    expect((await body('"service":"cart"', '"path":\\s*"/healthz"')).outcome).toBe("pass");
    const miss = await body("payment", undefined);
    expect(miss).toMatchObject({ outcome: "fail" });
    expect(miss.observed).toContain('the body does not contain "payment"');
    expect((await body(undefined, "^nothing like this$")).observed).toContain(
      "the body does not match /^nothing like this$/",
    );
  });

  it("the Kubernetes checks: nodes, crash loops and object fields", async () => {
    expect(
      await evaluateCheck(
        ctx(),
        check({ name: "nodes", type: "kubernetes", check: { condition: "nodes-ready", minReady: 7 } }),
      ),
    ).toMatchObject({ outcome: "pass", value: 7 });
    expect(
      await evaluateCheck(
        ctx(),
        check({ name: "nodes", type: "kubernetes", check: { condition: "nodes-ready", minReady: 8 } }),
      ),
    ).toMatchObject({ outcome: "fail", observed: "7 of 7 nodes are Ready; expected at least 8." });
    expect(
      (
        await evaluateCheck(
          ctx(),
          check({
            name: "no crash",
            type: "kubernetes",
            check: { condition: "no-crash-loop", namespace: "shop", selector: "app=cart" },
          }),
        )
      ).outcome,
    ).toBe("pass");

    // A container that exits 1 with restartPolicy Always ends in CrashLoopBackOff.
    await client.core.createNamespacedPod({
      namespace: "default",
      body: {
        metadata: { name: "crasher", labels: { app: "crasher" } },
        spec: { containers: [{ name: "main", image: "busybox", command: ["sh", "-c", "exit 1"] }] },
      },
    });
    const crash = check({
      name: "no crash",
      type: "kubernetes",
      check: { condition: "no-crash-loop", namespace: "default", selector: "app=crasher" },
    });
    await eventually(async () => (await evaluateCheck(ctx(), crash)).outcome === "fail");
    expect(await evaluateCheck(ctx(), crash)).toMatchObject({
      value: 1,
      observed: "1 container is in CrashLoopBackOff behind app=crasher in default: crasher/main.",
    });

    const field = (op: string, value: string | number) =>
      evaluateCheck(
        ctx(),
        check({
          name: "field",
          type: "kubernetes",
          check: {
            condition: "object-field",
            apiVersion: "apps/v1",
            kind: "Deployment",
            namespace: "shop",
            name: "frontend",
            field: ".spec.replicas",
            op: op as "==",
            value,
          },
        }),
      );
    expect(await field("==", 3)).toMatchObject({
      outcome: "pass",
      value: 3,
      observed: "Deployment shop/frontend: .spec.replicas is 3; expected == 3.",
    });
    expect((await field(">", 3)).outcome).toBe("fail");
    const image = await evaluateCheck(
      ctx(),
      check({
        name: "node",
        type: "kubernetes",
        check: {
          condition: "object-field",
          apiVersion: "v1",
          kind: "Namespace",
          name: "shop",
          field: ".status.phase",
          op: "==",
          value: "Active",
        },
      }),
    );
    expect(image.outcome).toBe("pass");
    const missing = await evaluateCheck(
      ctx(),
      check({
        name: "gone",
        type: "kubernetes",
        check: {
          condition: "object-field",
          apiVersion: "apps/v1",
          kind: "Deployment",
          namespace: "shop",
          name: "nope",
          field: ".spec.replicas",
          op: "==",
          value: 1,
        },
      }),
    );
    expect(missing).toMatchObject({ outcome: "error", observed: "Deployment shop/nope was not found." });
  });

  it("errors are not failures: an unknown service, a forbidden token, an unreachable Prometheus, a refused address, results that are not one number", async () => {
    const unknown = await evaluateCheck(
      ctx(),
      check({
        name: "ghost",
        type: "http",
        target: { kind: "service", namespace: "shop", service: "ghost", port: "http", path: "/" },
      }),
    );
    expect(unknown.outcome).toBe("error");
    expect(unknown.observed).toBe(
      'ghost: service shop/ghost was not found (404 from the API server: endpoints "ghost" not found).',
    );

    const narrow = await h.admin.createCluster({
      seed: "demo",
      access: { deny: ["services", "deployments.apps"] },
    });
    const narrowClient = createKubeClient({
      kind: "sandbox",
      server: narrow.server,
      caPem: h.server.caPem,
      token: narrow.token,
    });
    try {
      const forbidden = await evaluateCheck({ client: narrowClient }, checkout);
      expect(forbidden).toMatchObject({
        outcome: "error",
        observed: "checkout: the cluster's credentials are not allowed to reach service shop/frontend (403).",
      });
      expect(await evaluateCheck({ client: narrowClient }, cartReplicas)).toMatchObject({
        outcome: "error",
        observed: "cart replicas: the cluster's credentials are not allowed to read this (403).",
      });

      // The permission probe says so before anything is evaluated.
      const proxyAccess = await checkPermissions(narrowClient, checkout);
      expect(proxyAccess).toMatchObject({
        allowed: false,
        permissions: [{ label: "get services/proxy in shop", allowed: false }],
      });
      expect(await checkPermissions(client, checkout)).toMatchObject({
        allowed: true,
        permissions: [{ label: "get services/proxy in shop", allowed: true }],
      });
      expect(await checkPermissions(narrowClient, cartReplicas)).toMatchObject({
        allowed: false,
        permissions: [{ label: "get deployments.apps in shop", allowed: false }],
      });
      expect(await checkPermissions(narrowClient, cartReady)).toMatchObject({
        allowed: true,
        permissions: [{ label: "list pods in shop", allowed: true }],
      });
      expect(
        await checkPermissions(
          narrowClient,
          check({ name: "n", type: "kubernetes", check: { condition: "nodes-ready", minReady: 1 } }),
        ),
      ).toMatchObject({ allowed: true, permissions: [{ label: "list nodes", namespace: null }] });
      expect(await checkPermissions(narrowClient, cartUp)).toEqual({ allowed: true, permissions: [] });
    } finally {
      narrowClient.close();
    }

    const closed = await freePort();
    const unreachable = await evaluateCheck(
      { prometheus: { url: `http://127.0.0.1:${closed}` }, policy: loopbackAllowed },
      cartUp,
    );
    expect(unreachable).toMatchObject({
      outcome: "error",
      observed: "cart ready replicas: the server could not be reached (ECONNREFUSED).",
    });

    const many = await evaluateCheck(
      ctx(),
      check({ name: "all", type: "prometheus", query: "shop_ready_replicas", op: ">", threshold: 0 }),
    );
    expect(many.outcome).toBe("error");
    expect(many.observed).toMatch(/^all: the query returned \d+ series; a check needs exactly one/);
    const none = await evaluateCheck(
      ctx(),
      check({
        name: "none",
        type: "prometheus",
        query: 'shop_ready_replicas{service="nope"}',
        op: ">",
        threshold: 0,
      }),
    );
    expect(none.observed).toMatch(/^none: the query returned no series/);
    const bad = await evaluateCheck(
      ctx(),
      check({ name: "bad", type: "prometheus", query: "sum(", op: ">", threshold: 0 }),
    );
    expect(bad.outcome).toBe("error");
    expect(bad.observed).toMatch(/^bad: Prometheus refused the query: /);

    // A bearer token does not travel over plain http unless the operator allows it.
    const clear = await evaluateCheck(
      {
        prometheus: { url: prom.url, bearerToken: "s3cret-token" },
        policy: createAddressPolicy(["127.0.0.0/8"]),
      },
      cartUp,
    );
    expect(clear).toMatchObject({
      outcome: "error",
      observed: "cart ready replicas: only https:// URLs can be fetched.",
    });
    // A public-URL check: the address guard refuses loopback unless the operator admits it.
    const health = check({
      name: "prom health",
      type: "http",
      target: { kind: "url", url: `${prom.url}/-/healthy` },
      expect: { bodyContains: "Healthy" },
    });
    const refused = await evaluateCheck({ policy: createAddressPolicy([]) }, health);
    expect(refused).toMatchObject({
      outcome: "error",
      observed:
        "prom health: the address 127.0.0.1 is a loopback address, which this service does not connect to unless its operator allows that range in PYSTOL_KUBE_ALLOWED_CIDRS.",
    });
    expect((await evaluateCheck({ policy: loopbackAllowed }, health)).outcome).toBe("pass");
    // Prometheus behind the guard too.
    expect(
      (await evaluateCheck({ prometheus: { url: prom.url }, policy: createAddressPolicy([]) }, cartUp))
        .observed,
    ).toContain("loopback address");
  });

  it("an evaluation is bounded by its timeout", async () => {
    // A partition between the API server's node and every shop node: the proxy waits 3 s.
    await h.admin.setNetwork(clusterId, [{ from: "*", to: "*", partition: true }], true);
    try {
      const slow = await evaluateCheck({ client, timeoutMs: 500 }, checkout);
      expect(slow).toMatchObject({ outcome: "error", observed: "checkout did not finish within 500 ms." });
      expect(slow.durationMs).toBeLessThan(2500);
    } finally {
      await h.admin.setNetwork(clusterId, [], true);
    }
  });
});

describe("check definitions", () => {
  it("refuse bad fields with a sentence about each", () => {
    const r = parseCheck({
      name: "x",
      type: "http",
      target: { kind: "service", namespace: "Shop", service: "checkout", port: 70000, path: "/../admin" },
      expect: { status: ["2xx", "600", "299-200"], bodyMatches: "(a)\\1", foo: 1 },
    });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors).toEqual([
      {
        path: "target.namespace",
        message: "A namespace name is lower-case letters, digits and hyphens, such as shop.",
      },
      { path: "target.port", message: "The port is a number from 1 to 65535 or a port name such as http." },
      { path: "target.path", message: "The path cannot contain . or .. segments or encoded slashes." },
      {
        path: "expect.status.1",
        message:
          "Each expected status is a code (200), a class (2xx) or a range (200-299), between 100 and 599.",
      },
      {
        path: "expect.status.2",
        message: "A status range goes from the lower code to the higher, such as 200-299.",
      },
      {
        path: "expect.bodyMatches",
        message:
          "The pattern the body must match is refused: it cannot be matched in linear time (backreferences, lookahead, lookbehind and large counted repeats such as {1000} are not supported).",
      },
      {
        path: "expect",
        message: "The expectations know status, maxLatencyMs, bodyContains and bodyMatches only; remove foo.",
      },
    ]);
    const msgs = (input: unknown) => {
      const p = parseCheck(input);
      return p.ok ? [] : p.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(msgs(5)).toEqual([
      ": A check is an object with a name and a type (http, kubernetes or prometheus).",
    ]);
    expect(msgs({ name: "x", type: "ftp" })).toEqual([
      "type: The check's type is http, kubernetes or prometheus.",
    ]);
    expect(msgs({ name: "", type: "prometheus", query: " ", op: "~", threshold: "a" })).toEqual([
      "query: The PromQL query is required.",
      "op: The comparison must be one of ==, !=, <, <=, >, >=.",
      "threshold: The threshold must be a number.",
      "name: The check's name is required.",
    ]);
    expect(
      msgs({
        name: "x",
        type: "kubernetes",
        check: {
          condition: "object-field",
          apiVersion: "apps/v1",
          kind: "Deployment",
          namespace: "shop",
          name: "cart",
          field: "spec..replicas",
          op: ">",
          value: "2",
        },
      }),
    ).toEqual([
      'check.field: The field path is names joined by dots, with [n] for list items and ["key"] for keys with dots, such as .status.conditions[0].type.',
      "check.value: The comparisons <, <=, > and >= need a number to compare with.",
    ]);
    expect(
      msgs({
        name: "x",
        type: "kubernetes",
        check: { condition: "pods-ready", namespace: "shop", selector: "app=cart", minReadyPercent: 120 },
      }),
    ).toEqual(["check.minReadyPercent: The share of Ready pods is a percentage from 0 to 100."]);
    expect(
      msgs({ name: "x", type: "http", target: { kind: "url", url: "ftp://user:pw@example.com/" } }),
    ).toEqual([
      "target.url: The URL must be an http:// or https:// address without a user name or password, such as https://shop.example.com/healthz.",
    ]);
  });

  it("accept catastrophic-looking patterns only because they run in linear time", async () => {
    const p = check({
      name: "re",
      type: "http",
      target: { kind: "url", url: "https://example.com/" },
      expect: { bodyMatches: "(a+)+$" },
    });
    expect(p.type === "http" && p.expect.bodyMatches).toBe("(a+)+$");
  });
});
