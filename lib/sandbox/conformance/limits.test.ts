import https from "node:https";
import type { IncomingMessage } from "node:http";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KUBECTLS, kubectl, startHarness, type Harness } from "./harness";
import { raw } from "./raw";

// Each virtual cluster's share of the one sandbox process: the byte budget, the watch limit, the
// request rate and the JSON depth, refused with what a real API server answers, with real
// clients (kubectl) where one meets the limit, and counted in the admin interface's metrics.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const MiB = 1024 * 1024;

async function metric(name: string, limit: string): Promise<number> {
  const text = await (await fetch(`${h.server.adminUrl}/metrics`, { headers: { authorization: `Bearer ${h.server.adminToken}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{limit="${limit}"}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

const configMap = (name: string, bytes: number) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { blob: "x".repeat(bytes) } });

/** Opens a watch and resolves once its response has started (status and headers). */
function openWatch(url: string, caPem: string, token: string): Promise<{ res: IncomingMessage; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${url}/api/v1/namespaces/default/configmaps?watch=1`, { ca: caPem, headers: { authorization: `Bearer ${token}` } }, (res) => resolve({ res, close: () => req.destroy() }));
    req.on("error", reject);
  });
}

describe("per-cluster limits", () => {
  it("refuses ConfigMaps beyond the byte budget with the ResourceQuota 403, and counts the refusals", async () => {
    // The attack of the report: 30 ConfigMaps of 2.9 MiB against a team cluster's default budget.
    const c = await h.newCluster("empty");
    const cm = (n: number) => raw(`${c.server}/api/v1/namespaces/default/configmaps`, h.server.caPem, c.token, "POST", configMap(`big-${n}`, Math.floor(2.9 * MiB)));
    const before = await metric("sandbox_refusals_total", "bytes");
    const codes: number[] = [];
    let refusal: Record<string, unknown> | undefined;
    for (let i = 0; i < 30; i++) {
      const r = await cm(i);
      codes.push(r.status);
      if (r.status !== 201) refusal ??= r.json;
    }
    const accepted = codes.filter((x) => x === 201).length;
    // 64 MiB hold 22 of them (with the seed's few objects), and no more.
    expect(accepted).toBe(22);
    expect(codes.slice(accepted).every((x) => x === 403)).toBe(true);
    expect(refusal).toMatchObject({ kind: "Status", status: "Failure", reason: "Forbidden", code: 403, details: { name: `big-${accepted}`, kind: "configmaps" } });
    expect(String(refusal!.message)).toMatch(new RegExp(`^configmaps "big-${accepted}" is forbidden: exceeded quota: sandbox-limits, requested: sandbox.pystol.io/stored-bytes=\\d+, used: sandbox.pystol.io/stored-bytes=\\d+, limited: sandbox.pystol.io/stored-bytes=${64 * MiB}$`));
    const vc = h.server.manager.get(c.id)!;
    expect(vc.store.bytes).toBeLessThanOrEqual(64 * MiB);
    expect(await metric("sandbox_refusals_total", "bytes")).toBe(before + 30 - accepted);

    // kubectl says the same; deleting one makes room again, and a smaller write still passes.
    const file = path.join(h.dir, "blob.txt");
    writeFileSync(file, "y".repeat(2 * MiB));
    for (const bin of KUBECTLS) {
      const refused = await kubectl(bin, c.kubeconfigPath, ["create", "configmap", "from-kubectl", `--from-file=blob=${file}`]);
      expect(refused.code, bin).not.toBe(0);
      expect(refused.stderr, bin).toContain('configmaps "from-kubectl" is forbidden: exceeded quota: sandbox-limits, requested: sandbox.pystol.io/stored-bytes=');
    }
    expect((await kubectl(KUBECTLS[0]!, c.kubeconfigPath, ["delete", "configmap", "big-0"])).code).toBe(0);
    const created = await kubectl(KUBECTLS[KUBECTLS.length - 1]!, c.kubeconfigPath, ["create", "configmap", "from-kubectl", `--from-file=blob=${file}`]);
    expect(created.code, created.stderr).toBe(0);

    // An update that grows an object over the budget is refused too; one that shrinks it passes.
    const grow = await raw(`${c.server}/api/v1/namespaces/default/configmaps/big-1`, h.server.caPem, c.token, "PATCH", JSON.stringify({ data: { more: "z".repeat(2 * MiB) } }), "application/merge-patch+json");
    expect(grow.status).toBe(403);
    const shrink = await raw(`${c.server}/api/v1/namespaces/default/configmaps/big-1`, h.server.caPem, c.token, "PATCH", JSON.stringify({ data: { blob: "small" } }), "application/merge-patch+json");
    expect(shrink.status).toBe(200);
  }, 120_000);

  it("refuses a body over 3 MiB with 413 and kube-apiserver's sentence", async () => {
    const c = await h.newCluster("empty");
    const before = await metric("sandbox_refusals_total", "body-size");
    const r = await raw(`${c.server}/api/v1/namespaces/default/configmaps`, h.server.caPem, c.token, "POST", configMap("huge", 3 * MiB + 10));
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ kind: "Status", reason: "RequestEntityTooLarge", code: 413, message: "Request entity too large: limit is 3145728" });
    expect(await metric("sandbox_refusals_total", "body-size")).toBe(before + 1);
  });

  it("refuses the watch beyond the limit with 429 and Retry-After, and accepts one again when a watch closes", async () => {
    const c = await h.newCluster("empty", { maxWatches: 5 });
    const open = [];
    for (let i = 0; i < 5; i++) open.push(await openWatch(c.server, h.server.caPem, c.token));
    expect(open.map((w) => w.res.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await raw(`${c.server}/api/v1/namespaces/default/configmaps?watch=1`, h.server.caPem, c.token, "GET");
    expect(sixth.status).toBe(429);
    expect(sixth.json).toMatchObject({ kind: "Status", reason: "TooManyRequests", code: 429, details: { retryAfterSeconds: 5 } });
    expect(String(sixth.json.message)).toContain("This cluster may keep 5 watches open at once");
    const again = await new Promise<IncomingMessage>((resolve) => https.get(`${c.server}/api/v1/pods?watch=true`, { ca: h.server.caPem, headers: { authorization: `Bearer ${c.token}` } }, resolve));
    expect(again.statusCode).toBe(429);
    expect(again.headers["retry-after"]).toBe("5");
    again.resume();
    // Another cluster is not affected by this one's watches.
    const other = await h.newCluster("empty", { maxWatches: 5 });
    const w = await openWatch(other.server, h.server.caPem, other.token);
    expect(w.res.statusCode).toBe(200);
    w.close();
    open[0]!.close();
    const vc = h.server.manager.get(c.id)!;
    for (let i = 0; i < 100 && vc.watches.size >= 5; i++) await new Promise((r) => setTimeout(r, 20));
    const replaced = await openWatch(c.server, h.server.caPem, c.token);
    expect(replaced.res.statusCode).toBe(200);
    for (const x of [...open.slice(1), replaced]) x.close();
    expect(await metric("sandbox_refusals_total", "watches")).toBeGreaterThanOrEqual(2);
  });

  it("refuses a burst beyond the request rate with 429 and Retry-After, and kubectl waits and gets through", async () => {
    const c = await h.newCluster("empty", { requestsPerSecond: 5, requestBurst: 10 });
    const burst = await Promise.all(Array.from({ length: 30 }, () => raw(`${c.server}/api/v1/namespaces/default/configmaps`, h.server.caPem, c.token, "GET")));
    const ok = burst.filter((r) => r.status === 200).length;
    const limited = burst.filter((r) => r.status === 429);
    // The bucket holds 10, and refills 5 a second while the burst is served.
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThan(30);
    expect(limited.length).toBe(30 - ok);
    expect(limited[0]!.json).toMatchObject({ kind: "Status", status: "Failure", reason: "TooManyRequests", code: 429 });
    expect(String(limited[0]!.json.message)).toBe("Too many requests, please try again later. This cluster may send 5 requests a second (bursts of 10).");
    const headers = await new Promise<IncomingMessage>((resolve) => https.get(`${c.server}/version`, { ca: h.server.caPem, headers: { authorization: `Bearer ${c.token}` } }, resolve));
    headers.resume();
    if (headers.statusCode === 429) expect(Number(headers.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(await metric("sandbox_refusals_total", "rate")).toBeGreaterThanOrEqual(limited.length);
    // client-go honours Retry-After and retries: kubectl's discovery and list get through.
    const r = await kubectl(KUBECTLS[KUBECTLS.length - 1]!, c.kubeconfigPath, ["get", "namespaces", "-o", "name"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("namespace/default");
  }, 90_000);
});

describe("deep JSON", () => {
  const deep = (n: number, leaf = "1") => `${'{"a":'.repeat(n)}${leaf}${"}".repeat(n)}`;
  const deepArray = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

  it("refuses 100k-deep bodies, merge patches and JSON patches with 400 (no 5xx), and the process stays healthy", async () => {
    const c = await h.newCluster("empty");
    const base = `${c.server}/api/v1/namespaces/default/configmaps`;
    expect((await raw(base, h.server.caPem, c.token, "POST", JSON.stringify({ metadata: { name: "target" }, data: { a: "1" } }))).status).toBe(201);
    const before = await metric("sandbox_refusals_total", "json-depth");

    const create = await raw(base, h.server.caPem, c.token, "POST", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep","labels":${deep(100_000)}}}`);
    expect(create.status).toBe(400);
    expect(create.json).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400 });
    expect(String(create.json.message)).toBe(`the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '{' exceeded max depth ({"apiVersion":"v1","kind":"Con ...)`);

    const put = await raw(`${base}/target`, h.server.caPem, c.token, "PUT", `{"metadata":{"name":"target"},"data":${deepArray(100_000)}}`);
    expect(put.status).toBe(400);
    expect(String(put.json.message)).toContain("invalid character '[' exceeded max depth");

    for (const type of ["application/merge-patch+json", "application/strategic-merge-patch+json"]) {
      const p = await raw(`${base}/target`, h.server.caPem, c.token, "PATCH", `{"metadata":{"annotations":${deep(100_000)}}}`, type);
      expect(p.status, type).toBe(400);
      expect(p.json).toMatchObject({ reason: "BadRequest", message: "error decoding patch: invalid character '{' exceeded max depth" });
    }
    const jp = await raw(`${base}/target`, h.server.caPem, c.token, "PATCH", `[{"op":"add","path":"/data/x","value":${deep(100_000)}}]`, "application/json-patch+json");
    expect(jp.status).toBe(400);

    // Strings are not nesting: brackets inside a value do not count.
    const brackets = await raw(base, h.server.caPem, c.token, "POST", JSON.stringify({ metadata: { name: "brackets" }, data: { a: "[".repeat(10_000) + '{\\"' } }));
    expect(brackets.status).toBe(201);

    // A JSON patch whose value is shallow enough but lands deep enough to nest past the limit.
    const landing = await raw(`${base}/target`, h.server.caPem, c.token, "PATCH", JSON.stringify([{ op: "add", path: "/metadata/annotations", value: JSON.parse(deep(60, '"x"')) }, { op: "add", path: `/metadata/annotations${"/a".repeat(60)}`, value: JSON.parse(deep(60, '"y"')) }]), "application/json-patch+json");
    expect(landing.status).toBe(422);
    expect(String(landing.json.message)).toContain("nests more than 100 levels deep");

    expect(await metric("sandbox_refusals_total", "json-depth")).toBe(before + 6);
    // Healthy: the cluster still answers, and the object is unchanged.
    const got = await raw(`${base}/target`, h.server.caPem, c.token, "GET");
    expect(got.status).toBe(200);
    expect(got.json.data).toEqual({ a: "1" });
    expect((await raw(`${c.server}/healthz`, h.server.caPem, c.token, "GET")).body).toBe("ok");
  }, 60_000);

  it("bounds JSON patches: 10,000 operations at most (413), and copies that would grow the object without end (422)", async () => {
    const c = await h.newCluster("empty");
    const base = `${c.server}/api/v1/namespaces/default/configmaps`;
    expect((await raw(base, h.server.caPem, c.token, "POST", JSON.stringify({ metadata: { name: "t", annotations: { seed: "x".repeat(1024) } } }))).status).toBe(201);
    const before = await metric("sandbox_refusals_total", "patch-size");
    const many = Array.from({ length: 10_001 }, () => ({ op: "test", path: "/kind", value: "ConfigMap" }));
    const tooMany = await raw(`${base}/t`, h.server.caPem, c.token, "PATCH", JSON.stringify(many), "application/json-patch+json");
    expect(tooMany.status).toBe(413);
    expect(tooMany.json).toMatchObject({ reason: "RequestEntityTooLarge", message: "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001" });
    // Each copy doubles the annotations: 30 of them would take 1 KiB past a terabyte.
    const doubling = [
      { op: "copy", from: "/metadata/annotations", path: "/metadata/labels" },
      ...Array.from({ length: 29 }, (_, i) => ({ op: "copy", from: "/metadata/labels", path: `/metadata/labels/c${i}` })),
    ];
    const grow = await raw(`${base}/t`, h.server.caPem, c.token, "PATCH", JSON.stringify(doubling), "application/json-patch+json");
    expect(grow.status).toBe(422);
    expect(String(grow.json.message)).toContain("Unable to complete the copy, the accumulated size increase of copy is");
    expect((await raw(`${base}/t`, h.server.caPem, c.token, "GET")).status).toBe(200);
    expect(await metric("sandbox_refusals_total", "patch-size")).toBe(before + 2);
  });
});
