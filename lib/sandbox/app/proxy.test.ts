import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, KUBECTLS, kubectl, startHarness, type Harness } from "../conformance/harness";
import { raw, type RawResponse } from "../conformance/raw";
import * as k8s from "@kubernetes/client-node";
import type { CreatedCluster } from "../admin-client";

// The service and pod proxy of the sandbox, answered by the demo shop's application model, over
// real HTTPS and with real kubectl copies. No wall-clock bounds: the machine is noisy. Latency is
// asserted through the figures the model reports, and the delay only from below (an answer never
// comes sooner than its simulated latency).

let h: Harness;
let c: CreatedCluster & { kubeconfigPath: string };

beforeAll(async () => {
  h = await startHarness();
  c = await h.newCluster("demo");
});
afterAll(async () => {
  await h?.close();
});

const ns = (path: string) => `${c.server}/api/v1/namespaces/${path}`;
const get = (path: string, method = "GET", accept = "application/json") => raw(ns(path), h.server.caPem, c.token, method, undefined, "application/json", accept);
const body = (r: RawResponse) => r.json as { service?: string; pod?: string; status?: string; latencyMs?: number; error?: string; calls?: { service: string; ok: boolean }[] };

async function scale(namespace: string, kind: "deployments" | "statefulsets", name: string, replicas: number) {
  const r = await raw(`${c.server}/apis/apps/v1/namespaces/${namespace}/${kind}/${name}/scale`, h.server.caPem, c.token, "PATCH", JSON.stringify({ spec: { replicas } }), "application/merge-patch+json");
  expect(r.status).toBe(200);
}

/** Wait until the service's Endpoints list exactly n Ready addresses. */
async function readyCount(namespace: string, name: string, n: number) {
  await eventually(async () => {
    const r = await get(`${namespace}/endpoints/${name}`);
    const subsets = (r.json.subsets ?? []) as { addresses?: unknown[] }[];
    return subsets.reduce((s, x) => s + (x.addresses?.length ?? 0), 0) === n;
  });
}

describe("service proxy: resolution and the API server's errors", () => {
  it("answers through a named port, a port number and the scheme form, saying which pod answered", async () => {
    for (const id of ["frontend:http", "frontend:8080", "http:frontend:http", "https:frontend:8080"]) {
      const r = await get(`shop/services/${id}/proxy/healthz`);
      expect(r.status, id).toBe(200);
      expect(body(r).service).toBe("frontend");
      expect(body(r).pod).toMatch(/^frontend-/);
    }
  });

  it("answers a small HTML page to a browser, JSON otherwise", async () => {
    const page = await get("shop/services/frontend:http/proxy/product/7", "GET", "text/html,application/xhtml+xml");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/^<!doctype html>.*<h1>frontend · 200<\/h1>.*<td>\/product\/7<\/td>/s);
  });

  it("answers POST, PUT, PATCH, DELETE and HEAD like GET, HEAD without a body", async () => {
    for (const m of ["POST", "PUT", "PATCH", "DELETE"]) expect((await get("shop/services/frontend:http/proxy/healthz", m)).status, m).toBe(200);
    const head = await get("shop/services/frontend:http/proxy/healthz", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("refuses what kube-apiserver refuses, with its codes and wording", async () => {
    const cases: [string, number, string, string][] = [
      ["shop/services/nosuch:http/proxy/", 404, "NotFound", 'endpoints "nosuch" not found'],
      ["shop/services/nosuch:80/proxy/", 404, "NotFound", 'services "nosuch" not found'],
      ["shop/services/frontend:81/proxy/", 503, "ServiceUnavailable", 'no service port 81 found for service "frontend"'],
      // Every port of the shop's services is named: an unnamed request matches none of them.
      ["shop/services/frontend/proxy/", 503, "ServiceUnavailable", 'no endpoints available for service "frontend"'],
      ["shop/services/frontend:nosuch/proxy/", 503, "ServiceUnavailable", 'no endpoints available for service "frontend:nosuch"'],
      ["shop/services/a:b:c:d/proxy/", 400, "BadRequest", 'invalid service request "a:b:c:d"'],
      ["shop/services/ftp:frontend:http/proxy/", 400, "BadRequest", 'invalid service request "ftp:frontend:http"'],
    ];
    for (const [path, code, reason, message] of cases) {
      const r = await get(path);
      expect({ path, code: r.status, kind: r.json.kind, reason: r.json.reason, message: r.json.message }).toEqual({ path, code, kind: "Status", reason, message });
    }
  });

  it("redirects a bare .../proxy to .../proxy/ as the API server does", async () => {
    const r = await get("shop/services/frontend:http/proxy");
    expect(r.status).toBe(301);
  });

  it("keeps the cluster's auth: a wrong token is 401, a token denied services is 403", async () => {
    const r = await raw(ns("shop/services/frontend:http/proxy/healthz"), h.server.caPem, "not-the-token", "GET");
    expect(r.status).toBe(401);
    // Without the /c/<id> prefix (as kubectl get --raw sends it) the token alone picks the cluster.
    const root = `${new URL(c.server).origin}/api/v1/namespaces/shop/services/frontend:http/proxy/healthz`;
    expect((await raw(root, h.server.caPem, c.token, "GET")).status).toBe(200);
    expect((await raw(root, h.server.caPem, "not-the-token", "GET")).status).toBe(401);
    const narrow = await h.admin.createCluster({ seed: "demo", access: { deny: ["services"] } });
    const d = await raw(`${narrow.server}/api/v1/namespaces/shop/services/frontend:http/proxy/healthz`, h.server.caPem, narrow.token, "GET");
    expect(d.status).toBe(403);
    expect(d.json.reason).toBe("Forbidden");
  });
});

describe("@kubernetes/client-node through the service proxy", () => {
  it("reads a page with connectGetNamespacedServiceProxyWithPath and gets the Status of a refusal", async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(c.kubeconfig);
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const page = (await api.connectGetNamespacedServiceProxyWithPath({ name: "frontend:http", namespace: "shop", path: "checkout" })) as unknown as { service: string; status: string };
    expect(page).toMatchObject({ service: "frontend", status: "ok" });
    const refused = await api.connectGetNamespacedServiceProxyWithPath({ name: "frontend:81", namespace: "shop", path: "" }).then(
      () => undefined,
      (e: unknown) => e as { code?: number; body?: string },
    );
    expect(refused?.code).toBe(503);
    expect(JSON.parse(refused?.body ?? "{}")).toMatchObject({ reason: "ServiceUnavailable", message: 'no service port 81 found for service "frontend"' });
  });
});

describe("pod proxy", () => {
  it("answers from the pod's service, and refuses as upstream does", async () => {
    const pods = (await get("shop/pods?labelSelector=app%3Dcart")).json.items as { metadata: { name: string } }[];
    const pod = pods[0]!.metadata.name;
    const ok = await get(`shop/pods/${pod}/proxy/healthz`);
    expect(ok.status).toBe(200);
    expect(body(ok)).toMatchObject({ service: "cart", pod });
    expect((await get(`shop/pods/${pod}:9464/proxy/metrics`)).body).toContain('http_requests_total{namespace="shop",service="cart",code="200"}');
    const refused = await get(`shop/pods/${pod}:1234/proxy/`);
    expect(refused.status).toBe(503);
    expect(refused.json.message).toMatch(/^error trying to reach service: dial tcp [\d.]+:1234: connect: connection refused$/);
    expect((await get("shop/pods/nosuch/proxy/")).json.message).toBe('pods "nosuch" not found');
    expect((await get("shop/pods/a:b:c:d/proxy/")).json.message).toBe('invalid pod request "a:b:c:d"');
  });
});

describe.each(KUBECTLS)("kubectl %s get --raw through the service proxy", (bin) => {
  it("reads the frontend's health page, and prints the API server's error for a service without endpoints", async () => {
    const ok = await kubectl(bin, c.kubeconfigPath, ["get", "--raw", "/api/v1/namespaces/shop/services/frontend:http/proxy/healthz"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ service: "frontend", status: "ok" });
    const bad = await kubectl(bin, c.kubeconfigPath, ["get", "--raw", "/api/v1/namespaces/shop/services/frontend:81/proxy/"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Error from server (ServiceUnavailable): no service port 81 found for service "frontend"');
  });
});

describe("the demo shop's application model, moved by faults", () => {
  it("healthy: checkout answers 200, its simulated latency under 300 ms, and never sooner than that latency", async () => {
    const started = Date.now();
    const r = await get("shop/services/frontend:http/proxy/checkout");
    const waited = Date.now() - started;
    expect(r.status).toBe(200);
    const b = body(r);
    expect(b.service).toBe("frontend");
    expect(b.latencyMs).toBeGreaterThan(0);
    expect(b.latencyMs).toBeLessThan(300);
    expect(waited).toBeGreaterThanOrEqual(Math.floor(b.latencyMs!));
    expect(b.calls).toEqual([expect.objectContaining({ service: "checkout", ok: true })]);
  });

  it("cart scaled to 0: cart is 503 with the API server's message, checkout and the home page fail with 502, product pages still work; restored, all recover", async () => {
    await scale("shop", "deployments", "cart", 0);
    await readyCount("shop", "cart", 0);
    const cart = await get("shop/services/cart:http/proxy/");
    expect(cart.status).toBe(503);
    expect(cart.json).toMatchObject({ kind: "Status", reason: "ServiceUnavailable", message: 'no endpoints available for service "cart"' });
    const checkout = await get("shop/services/frontend:http/proxy/checkout");
    expect(checkout.status).toBe(502);
    expect(body(checkout).error).toBe("a call to checkout failed");
    const direct = await get("shop/services/checkout:http/proxy/");
    expect(direct.status).toBe(502);
    expect(body(direct).error).toBe("cart is unavailable");
    expect((await get("shop/services/frontend:http/proxy/")).status).toBe(502);
    expect((await get("shop/services/frontend:http/proxy/product/42")).status).toBe(200);

    await scale("shop", "deployments", "cart", 2);
    await readyCount("shop", "cart", 2);
    expect((await get("shop/services/frontend:http/proxy/checkout")).status).toBe(200);
    expect((await get("shop/services/cart:http/proxy/")).status).toBe(200);
  });

  it("fewer frontend replicas: latency rises first, then a share of requests is shed with 503; restored, it recovers", async () => {
    const sample = async (n: number) => {
      const out: { status: number; latencyMs: number | undefined }[] = [];
      for (let i = 0; i < n; i++) {
        const r = await get("shop/services/frontend:http/proxy/product/1");
        out.push({ status: r.status, latencyMs: body(r).latencyMs });
      }
      return out;
    };
    const healthy = await sample(3);
    expect(healthy.every((x) => x.status === 200)).toBe(true);
    const base = healthy[0]!.latencyMs!;

    await scale("shop", "deployments", "frontend", 2);
    await readyCount("shop", "frontend", 2);
    const two = await sample(6);
    expect(two.every((x) => x.status === 200)).toBe(true);
    expect(two[0]!.latencyMs).toBeGreaterThan(base);

    await scale("shop", "deployments", "frontend", 1);
    await readyCount("shop", "frontend", 1);
    const one = await sample(30);
    // 60 rps offered to one replica of 40 rps: a third is shed, exactly, by error diffusion.
    const shed = one.filter((x) => x.status === 503).length;
    expect(shed).toBeGreaterThanOrEqual(9);
    expect(shed).toBeLessThanOrEqual(10);
    expect(one.filter((x) => x.status === 200).every((x) => x.latencyMs! > two[0]!.latencyMs!)).toBe(true);

    await scale("shop", "deployments", "frontend", 3);
    await readyCount("shop", "frontend", 3);
    const back = await sample(3);
    // Back to three replicas' queueing; the new pods' nodes may change the network's share a little.
    expect(back.every((x) => x.status === 200 && Math.abs(x.latencyMs! - base) < base * 0.2)).toBe(true);
  });

  it("a killed cart pod shows at once: the service answers from the pod left", async () => {
    const pods = (await get("shop/pods?labelSelector=app%3Dcart")).json.items as { metadata: { name: string } }[];
    expect(pods.length).toBe(2);
    const victim = pods[0]!.metadata.name;
    const del = await get(`shop/pods/${victim}`, "DELETE");
    expect(del.status).toBe(200);
    await eventually(async () => !JSON.stringify((await get("shop/endpoints/cart")).json.subsets ?? []).includes(`"${victim}"`));
    // The next answers come from pods other than the one being deleted.
    for (let i = 0; i < 4; i++) expect(body(await get("shop/services/cart:http/proxy/healthz")).pod).not.toBe(victim);
  });

  it("a network partition of the data pool fails cart's calls to redis-cart (502) and times the API server out on redis-cart itself; cleared, both recover", async () => {
    await h.admin.setNetwork(c.id, [{ from: "pool=data", to: "*", partition: true }], true);
    await eventually(async () => (await get("shop/services/cart:http/proxy/")).status === 502);
    expect(body(await get("shop/services/cart:http/proxy/")).error).toBe("redis-cart is unavailable");
    const direct = await get("shop-data/services/redis-cart:http/proxy/");
    expect(direct.status).toBe(503);
    expect(direct.json.message).toMatch(/^error trying to reach service: dial tcp [\d.]+:6379: i\/o timeout$/);
    await h.admin.setNetwork(c.id, [], true);
    await eventually(async () => (await get("shop/services/cart:http/proxy/")).status === 200);
    expect((await get("shop-data/services/redis-cart:http/proxy/healthz")).status).toBe(200);
  });

  it("cordon every node and kill cart's pods (kubectl): the replacements cannot be scheduled, cart answers 503 and checkout 502; uncordoned, both recover", async () => {
    const k = (args: string[]) => kubectl("/usr/bin/kubectl", c.kubeconfigPath, args);
    const nodes = (await k(["get", "nodes", "-o", "name"])).stdout.trim().split("\n");
    expect(nodes.length).toBe(7);
    expect((await k(["cordon", ...nodes])).code).toBe(0);
    expect((await k(["delete", "pod", "-n", "shop", "-l", "app=cart", "--wait=false"])).code).toBe(0);
    await readyCount("shop", "cart", 0);
    expect((await get("shop/services/cart:http/proxy/")).json.message).toBe('no endpoints available for service "cart"');
    expect((await get("shop/services/frontend:http/proxy/checkout")).status).toBe(502);
    expect((await k(["uncordon", ...nodes])).code).toBe(0);
    await readyCount("shop", "cart", 2);
    expect((await get("shop/services/frontend:http/proxy/checkout")).status).toBe(200);
  });
});
