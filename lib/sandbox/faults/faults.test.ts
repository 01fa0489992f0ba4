// The simulated fault runner against a real sandbox: each fault is sent as the worker sends it
// (runner/container.ts's ephemeral container, PATCH pods/ephemeralcontainers) with a real Lease,
// its effect shows where the issue says (HTTP checks through the service proxy, probe pods, PodMetrics,
// container restarts), and it goes away by its duration, by the lease released, deleted or left
// to lapse, and by the pod's deletion; refusals end the container with the runner's exit codes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateCheck, parseCheck, type CheckDefinition, type CheckInput } from "@/lib/checks";
import { createAddressPolicy, createKubeClient, type KubeClient } from "@/lib/kube";
import { runnerEphemeralContainer } from "@/runner/container";
import type { FaultSpec } from "@/runner/spec";
import type { CreatedCluster } from "../admin-client";
import { eventually, kubectl, startHarness, type Harness } from "../conformance/harness";
import { raw } from "../conformance/raw";
import { ClusterManager } from "../manager";
import { POD } from "../resources";
import { loadSnapshot, saveSnapshot } from "../snapshot";

let h: Harness;
let cluster: CreatedCluster & { kubeconfigPath: string };
let client: KubeClient;
const loopbackAllowed = createAddressPolicy(["127.0.0.0/8"], true);

type Status = { name: string; state: { running?: unknown; terminated?: { exitCode: number; message?: string } } };
type Pod = {
  metadata: { name: string; uid: string };
  spec: { nodeName: string };
  status: { podIP: string; phase: string; ephemeralContainerStatuses?: Status[]; containerStatuses?: { name: string; restartCount: number; lastState: { terminated?: { exitCode: number } } }[] };
};

const api = (p: string) => `${cluster.server}${p}`;
const call = (method: string, p: string, body?: unknown, type = "application/json") => raw(api(p), h.server.caPem, cluster.token, method, body === undefined ? undefined : JSON.stringify(body), type);
const k = (args: string[]) => kubectl("/usr/bin/kubectl", cluster.kubeconfigPath, args);

async function pods(ns: string, selector: string): Promise<Pod[]> {
  return ((await call("GET", `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`)).json.items as Pod[]).filter((p) => p.status.phase === "Running");
}
const getPod = async (ns: string, name: string) => (await call("GET", `/api/v1/namespaces/${ns}/pods/${name}`)).json as unknown as Pod;

const micro = (d = new Date()) => d.toISOString().replace("Z", "000Z");
async function createLease(name: string, durationSeconds = 30, ns = "shop") {
  const r = await call("POST", `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, { metadata: { name }, spec: { holderIdentity: "pystol-worker", leaseDurationSeconds: durationSeconds, renewTime: micro(), acquireTime: micro() } });
  expect(r.status).toBe(201);
}
const releaseLease = (name: string) => call("PATCH", `/apis/coordination.k8s.io/v1/namespaces/shop/leases/${name}`, { spec: { holderIdentity: null } }, "application/merge-patch+json");
const renewLease = (name: string) => call("PATCH", `/apis/coordination.k8s.io/v1/namespaces/shop/leases/${name}`, { spec: { renewTime: micro() } }, "application/merge-patch+json");

/** Renew a lease as the worker does, until the returned function stops it (then it lapses). */
function keepRenewing(name: string): () => void {
  const t = setInterval(() => void renewLease(name), 300);
  return () => clearInterval(t);
}

let faults = 0;
/** Send the runner into a pod as the worker does; returns the container's name. */
async function inject(ns: string, pod: string, fault: FaultSpec["fault"], opts: { lease: string; durationSeconds?: number; token?: string; target?: string; env?: { name: string; value: string }[] }): Promise<string> {
  const spec = { id: `f${++faults}_${Date.now().toString(36)}`, durationSeconds: opts.durationSeconds ?? 60, fault } as FaultSpec;
  const ec = runnerEphemeralContainer({
    spec,
    image: "pystol-fault-runner:local",
    lease: { server: cluster.server, namespace: "shop", name: opts.lease, token: opts.token ?? cluster.token, caPem: h.server.caPem, pollMs: 100 },
    targetContainer: opts.target ?? "main",
    targetUid: 0,
  });
  if (opts.env) ec.env = [...opts.env, ...(ec.env ?? []).filter((e) => !opts.env!.some((x) => x.name === e.name))];
  const r = await call("PATCH", `/api/v1/namespaces/${ns}/pods/${pod}/ephemeralcontainers`, { spec: { ephemeralContainers: [ec] } }, "application/strategic-merge-patch+json");
  expect(r.status, r.body).toBe(200);
  return ec.name;
}

async function stateOf(ns: string, pod: string, container: string): Promise<Status["state"] | undefined> {
  return (await getPod(ns, pod)).status.ephemeralContainerStatuses?.find((s) => s.name === container)?.state;
}
const running = async (ns: string, pod: string, c: string) => eventually(async () => !!(await stateOf(ns, pod, c))?.running, 300);
async function ended(ns: string, pod: string, c: string): Promise<{ exitCode: number; message?: string }> {
  let t: { exitCode: number; message?: string } | undefined;
  await eventually(async () => !!(t = (await stateOf(ns, pod, c))?.terminated), 600);
  return t!;
}
const logsOf = async (ns: string, pod: string, c: string) => (await k(["logs", "-n", ns, pod, "-c", c])).stdout;

function check(input: CheckInput): CheckDefinition {
  const r = parseCheck(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.check;
}
const checkoutFast = check({ name: "checkout latency", type: "http", target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" }, expect: { status: ["2xx"], maxLatencyMs: 300 } });
const checkoutOk = check({ name: "checkout answers", type: "http", target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" }, expect: { status: ["2xx"], maxLatencyMs: 2000 } });
const home = check({ name: "home answers", type: "http", target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/" }, expect: { status: ["2xx"], maxLatencyMs: 2000 } });
const evaluate = (c: CheckDefinition) => evaluateCheck({ client, policy: loopbackAllowed, timeoutMs: 10_000 }, c);
const passes = (c: CheckDefinition) => eventually(async () => (await evaluate(c)).outcome === "pass", 300);
const fails = (c: CheckDefinition) => eventually(async () => (await evaluate(c)).outcome === "fail", 300);

/** A probe pod (the ping test) to these targets; its log lines once it is done. */
async function probe(name: string, targets: string[], rounds: number): Promise<{ reachable: boolean; rttMs: number | null }[]> {
  const r = await call("POST", "/api/v1/namespaces/shop/pods", {
    metadata: { name, labels: { "pystol.io/role": "probe" } },
    spec: { restartPolicy: "Never", containers: [{ name: "probe", image: "busybox", env: [{ name: "PYSTOL_PROBE_TARGETS", value: targets.join(" ") }, { name: "PYSTOL_PROBE_ROUNDS", value: String(rounds) }] }] },
  });
  expect(r.status).toBe(201);
  let lines: string[] = [];
  await eventually(async () => {
    const l = await call("GET", `/api/v1/namespaces/shop/pods/${name}/log`);
    lines = l.status === 200 ? l.body.trim().split("\n") : [];
    return lines.some((x) => x.includes('"done"'));
  }, 300);
  return lines.map((x) => JSON.parse(x) as { reachable: boolean; rttMs: number | null; done?: boolean }).filter((x) => !x.done);
}

beforeAll(async () => {
  h = await startHarness();
  cluster = await h.newCluster("demo");
  client = createKubeClient({ kind: "sandbox", server: cluster.server, caPem: h.server.caPem, token: cluster.token });
});
afterAll(async () => {
  client?.close();
  await h?.close();
});

describe("network faults", () => {
  it("300 ms on the cart pods trips checkout's latency check while the fault lasts, and not after (ended by its duration)", async () => {
    await passes(checkoutFast);
    await createLease("latency");
    const carts = await pods("shop", "app=cart");
    const names = await Promise.all(carts.map((p) => inject("shop", p.metadata.name, { kind: "network-latency", latencyMs: 300, jitterMs: 0 }, { lease: "latency", durationSeconds: 12, target: "cart" })));
    await Promise.all(carts.map((p, i) => running("shop", p.metadata.name, names[i]!)));
    await fails(checkoutFast);
    const during = await evaluate(checkoutFast);
    expect(during.observed).toMatch(/^frontend answered 200 in \d+ ms; expected at most 300 ms\.?$|^frontend answered 200 in \d+ ms/);
    expect(during.value).toBeGreaterThanOrEqual(300);
    // The ping test sees it too: a round trip to a cart pod carries the 300 ms.
    const pings = await probe("ping-latency", [carts[0]!.status.podIP], 2);
    expect(pings.every((p) => p.reachable && p.rttMs! >= 300)).toBe(true);
    for (const [i, p] of carts.entries()) expect(await ended("shop", p.metadata.name, names[i]!)).toMatchObject({ exitCode: 0 });
    expect(await logsOf("shop", carts[0]!.metadata.name, names[0]!)).toContain('"reason":"duration"');
    await passes(checkoutFast);
    const after = await probe("ping-latency-after", [carts[0]!.status.podIP], 2);
    expect(after.every((p) => p.reachable && p.rttMs! < 300)).toBe(true);
  });

  it("a partition of cart from redis-cart fails checkout until the lease is released", async () => {
    await passes(checkoutOk);
    await createLease("partition");
    const carts = await pods("shop", "app=cart");
    const names = await Promise.all(carts.map((p) => inject("shop", p.metadata.name, { kind: "network-partition", hosts: ["redis-cart.shop-data.svc.cluster.local"], cidrs: [], direction: "both" }, { lease: "partition", target: "cart" })));
    await Promise.all(carts.map((p, i) => running("shop", p.metadata.name, names[i]!)));
    await fails(checkoutOk);
    expect((await evaluate(checkoutOk)).observed).toMatch(/answered 502/);
    const redis = (await pods("shop-data", "app=redis-cart"))[0]!;
    const cut = await probe("ping-partition", [redis.status.podIP], 1);
    expect(cut.every((p) => p.reachable)).toBe(true); // the probe pod is not partitioned, only cart is
    // The ping test sees a partition of its own target: cart's first pod from every pod address.
    const [first] = carts;
    await createLease("partition-ping");
    const fromPods = await inject("shop", first!.metadata.name, { kind: "network-partition", hosts: [], cidrs: ["10.64.0.0/10"], direction: "in" }, { lease: "partition-ping", target: "cart" });
    await running("shop", first!.metadata.name, fromPods);
    expect((await probe("ping-partitioned", [first!.status.podIP], 2)).every((p) => !p.reachable)).toBe(true);
    expect((await releaseLease("partition-ping")).status).toBe(200);
    expect(await ended("shop", first!.metadata.name, fromPods)).toMatchObject({ exitCode: 0 });
    expect((await probe("ping-partitioned-after", [first!.status.podIP], 2)).every((p) => p.reachable)).toBe(true);
    expect((await releaseLease("partition")).status).toBe(200);
    for (const [i, p] of carts.entries()) expect(await ended("shop", p.metadata.name, names[i]!)).toMatchObject({ exitCode: 0 });
    expect(await logsOf("shop", carts[0]!.metadata.name, names[0]!)).toContain("lease released");
    await passes(checkoutOk);
  });

  it("loss drops about the asked share of pings to the pod, until its lease lapses", async () => {
    await createLease("loss", 2);
    const stopRenewing = keepRenewing("loss");
    const target = (await pods("shop", "app=catalog"))[0]!;
    const name = await inject("shop", target.metadata.name, { kind: "network-loss", percent: 50, direction: "out" }, { lease: "loss" });
    await running("shop", target.metadata.name, name);
    const lossy = await probe("ping-loss", [target.status.podIP], 40);
    const lost = lossy.filter((p) => !p.reachable).length;
    expect(lost).toBeGreaterThan(8);
    expect(lost).toBeLessThan(32);
    // Nobody renews the lease any more: the runner ends the fault after its 2 s.
    stopRenewing();
    const t = await ended("shop", target.metadata.name, name);
    expect(t.exitCode).toBe(0);
    expect(await logsOf("shop", target.metadata.name, name)).toContain("lease lapsed");
    const clean = await probe("ping-loss-after", [target.status.podIP], 20);
    expect(clean.every((p) => p.reachable)).toBe(true);
  });
});

describe("DNS and HTTP faults in the shop's application model", () => {
  it("NXDOMAIN for cart's names from the checkout pods fails checkout, not the home page, until the duration ends", async () => {
    await passes(checkoutOk);
    await createLease("dns");
    const checkouts = await pods("shop", "app=checkout");
    const names = await Promise.all(checkouts.map((p) => inject("shop", p.metadata.name, { kind: "dns", patterns: ["cart.*"], answer: "nxdomain", delayMs: 0 }, { lease: "dns", durationSeconds: 10, target: "checkout" })));
    await Promise.all(checkouts.map((p, i) => running("shop", p.metadata.name, names[i]!)));
    await fails(checkoutOk);
    expect((await evaluate(home)).outcome).toBe("pass");
    for (const [i, p] of checkouts.entries()) expect(await ended("shop", p.metadata.name, names[i]!)).toMatchObject({ exitCode: 0 });
    await passes(checkoutOk);
  });

  it("an HTTP fault answers 503 for /checkout on the frontend's port and leaves / alone, until its lease is deleted", async () => {
    await passes(checkoutOk);
    await createLease("http");
    const fronts = await pods("shop", "app=frontend");
    const svc = (await call("GET", "/api/v1/namespaces/shop/services/frontend")).json as { spec: { ports: { name: string; targetPort: number }[] } };
    const port = svc.spec.ports.find((p) => p.name === "http")!.targetPort;
    const names = await Promise.all(fronts.map((p) => inject("shop", p.metadata.name, { kind: "http", port, pathPrefix: "/checkout", percent: 100, delayMs: 0, status: 503 }, { lease: "http", target: "frontend" })));
    await Promise.all(fronts.map((p, i) => running("shop", p.metadata.name, names[i]!)));
    await fails(checkoutOk);
    const r = await evaluate(checkoutOk);
    expect(r.observed).toMatch(/answered 503/);
    expect((await evaluate(home)).outcome).toBe("pass");
    const body = await call("GET", `/api/v1/namespaces/shop/services/frontend:http/proxy/checkout`);
    expect(body.body).toBe("Error 503 injected by a Pystol fault.\n");
    expect((await call("DELETE", "/apis/coordination.k8s.io/v1/namespaces/shop/leases/http")).status).toBe(200);
    for (const [i, p] of fronts.entries()) expect(await ended("shop", p.metadata.name, names[i]!)).toMatchObject({ exitCode: 0 });
    expect(await logsOf("shop", fronts[0]!.metadata.name, names[0]!)).toContain("the lease was deleted");
    await passes(checkoutOk);
  });
});

describe("the slow variants and loss, as the shop's HTTP checks see them", () => {
  it("slow lookups and delayed requests make checkout slow, loss makes it fail, each only while held", async () => {
    await passes(checkoutFast);
    await createLease("variants");
    const checkouts = await pods("shop", "app=checkout");
    const slow = await Promise.all(checkouts.map((p) => inject("shop", p.metadata.name, { kind: "dns", patterns: ["currency.shop.svc.cluster.local"], answer: "slow", delayMs: 400 }, { lease: "variants", target: "checkout" })));
    await Promise.all(checkouts.map((p, i) => running("shop", p.metadata.name, slow[i]!)));
    await fails(checkoutFast);
    expect((await evaluate(checkoutFast)).value).toBeGreaterThanOrEqual(400);
    expect((await evaluate(checkoutOk)).outcome).toBe("pass");
    expect((await releaseLease("variants")).status).toBe(200);
    for (const [i, p] of checkouts.entries()) expect(await ended("shop", p.metadata.name, slow[i]!)).toMatchObject({ exitCode: 0 });
    await passes(checkoutFast);

    await createLease("variants-http");
    const fronts = await pods("shop", "app=frontend");
    const svc = (await call("GET", "/api/v1/namespaces/shop/services/frontend")).json as { spec: { ports: { name: string; targetPort: number }[] } };
    const port = svc.spec.ports.find((p) => p.name === "http")!.targetPort;
    const delayed = await Promise.all(fronts.map((p) => inject("shop", p.metadata.name, { kind: "http", port, pathPrefix: "/checkout", percent: 100, delayMs: 500 }, { lease: "variants-http", durationSeconds: 10, target: "frontend" })));
    await Promise.all(fronts.map((p, i) => running("shop", p.metadata.name, delayed[i]!)));
    await fails(checkoutFast);
    expect((await evaluate(checkoutFast)).value).toBeGreaterThanOrEqual(500);
    expect((await evaluate(home)).outcome).toBe("pass");
    for (const [i, p] of fronts.entries()) expect(await ended("shop", p.metadata.name, delayed[i]!)).toMatchObject({ exitCode: 0 });
    await passes(checkoutFast);

    await createLease("variants-loss", 2);
    const stopRenewing = keepRenewing("variants-loss");
    const carts = await pods("shop", "app=cart");
    const lossy = await Promise.all(carts.map((p) => inject("shop", p.metadata.name, { kind: "network-loss", percent: 100, direction: "out" }, { lease: "variants-loss", target: "cart" })));
    await Promise.all(carts.map((p, i) => running("shop", p.metadata.name, lossy[i]!)));
    await fails(checkoutOk);
    expect((await evaluate(checkoutOk)).observed).toMatch(/answered 502/);
    // Not renewed any more: each runner ends its fault after the lease's 2 s.
    stopRenewing();
    for (const [i, p] of carts.entries()) expect(await ended("shop", p.metadata.name, lossy[i]!)).toMatchObject({ exitCode: 0 });
    await passes(checkoutOk);
  });
});

type PodMetrics = { containers: { name: string; usage: { cpu: string; memory: string } }[] };
const podMetrics = async (ns: string, name: string) => (await call("GET", `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods/${name}`)).json as unknown as PodMetrics;

describe("resource and process faults", () => {
  it("CPU pressure shows in metrics.k8s.io for that pod until the pod is deleted", async () => {
    await createLease("cpu");
    const created = await call("POST", "/api/v1/namespaces/shop/pods", { metadata: { name: "busy" }, spec: { containers: [{ name: "main", image: "nginx", resources: { requests: { cpu: "100m", memory: "64Mi" } } }] } });
    expect(created.status).toBe(201);
    await eventually(async () => (await getPod("shop", "busy")).status.phase === "Running", 300);
    const name = await inject("shop", "busy", { kind: "cpu", cores: 2, percent: 50 }, { lease: "cpu" });
    await running("shop", "busy", name);
    await eventually(async () => (await podMetrics("shop", "busy")).containers.some((c) => c.name === name && c.usage.cpu === "1000m"), 100);
    const top = await k(["top", "pod", "-n", "shop", "busy", "--containers"]);
    expect(top.stdout).toMatch(new RegExp(`${name}\\s+1000m`));
    const sim = h.server.manager.get(cluster.id)!.simulator;
    expect(sim.list().some((f) => f.container === name)).toBe(true);
    expect(await h.admin.listFaults(cluster.id)).toContainEqual(expect.objectContaining({ namespace: "shop", pod: "busy", container: name, kind: "cpu" }));
    expect((await call("DELETE", "/api/v1/namespaces/shop/pods/busy")).status).toBe(200);
    await eventually(async () => !sim.list().some((f) => f.container === name), 300);
    await eventually(async () => (await call("GET", "/api/v1/namespaces/shop/pods/busy")).status === 404, 300);
  });

  it("memory pressure holds the asked bytes, within the pod's limit, until the duration ends", async () => {
    await createLease("memory");
    for (const [pod, limits] of [["hungry", undefined], ["capped", { cpu: "500m", memory: "512Mi" }]] as const) {
      const created = await call("POST", "/api/v1/namespaces/shop/pods", { metadata: { name: pod }, spec: { containers: [{ name: "main", image: "nginx", ...(limits ? { resources: { limits } } : {}) }] } });
      expect(created.status).toBe(201);
      await eventually(async () => (await getPod("shop", pod)).status.phase === "Running", 300);
    }
    const name = await inject("shop", "hungry", { kind: "memory", bytes: 256 * 1024 * 1024 }, { lease: "memory", durationSeconds: 10 });
    const capped = await inject("shop", "capped", { kind: "memory", bytes: 1024 * 1024 * 1024 }, { lease: "memory", durationSeconds: 10 });
    await running("shop", "hungry", name);
    await eventually(async () => (await podMetrics("shop", "hungry")).containers.some((c) => c.name === name && c.usage.memory === "262144Ki"), 100);
    // Ephemeral containers have no limits of their own: the stress counts against the pod's.
    await eventually(async () => (await podMetrics("shop", "capped")).containers.some((c) => c.name === capped), 100);
    const total = (await podMetrics("shop", "capped")).containers.reduce((sum, c) => sum + Number(c.usage.memory.replace("Ki", "")), 0);
    expect(total).toBeLessThanOrEqual(512 * 1024);
    expect(total).toBeGreaterThan(500 * 1024);
    expect(await ended("shop", "hungry", name)).toMatchObject({ exitCode: 0 });
    expect((await podMetrics("shop", "hungry")).containers.map((c) => c.name)).toEqual(["main"]);
  });

  it("a process fault restarts the target container once per round, as the kubelet does", async () => {
    await createLease("kill");
    const pod = (await pods("shop", "app=email"))[0]!;
    const before = pod.status.containerStatuses!.find((c) => c.name === "email")!.restartCount;
    const name = await inject("shop", pod.metadata.name, { kind: "process-kill", name: "email", signal: "SIGKILL", rounds: 2, intervalSeconds: 1 }, { lease: "kill", target: "email" });
    expect(await ended("shop", pod.metadata.name, name)).toMatchObject({ exitCode: 0 });
    expect(await logsOf("shop", pod.metadata.name, name)).toContain('"reason":"rounds done"');
    await eventually(async () => {
      const cs = (await getPod("shop", pod.metadata.name)).status.containerStatuses!.find((c) => c.name === "email")!;
      return cs.restartCount === before + 2 && cs.lastState.terminated?.exitCode === 137;
    }, 300);
    const events = await k(["get", "events", "-n", "shop", "--field-selector", `involvedObject.name=${pod.metadata.name}`]);
    expect(events.stdout).toMatch(/Started\s+pod\/\S+\s+Started container email/);
    expect(events.stdout).toMatch(/BackOff\s+pod\/\S+\s+Back-off restarting failed container email/);
    await eventually(async () => (await k(["get", "pod", "-n", "shop", pod.metadata.name])).stdout.includes("1/1"), 300);
  });
});

describe("refusals end the runner with its exit codes", () => {
  it("2 for an invalid spec, 1 without a lease, for an unresolvable host, and for a token that may not read the lease; a token bound to the pod that may runs", async () => {
    const pod = (await pods("shop", "app=ads"))[0]!.metadata.name;
    const invalid = await inject("shop", pod, { kind: "cpu", cores: 1, percent: 10 }, { lease: "none", env: [{ name: "PYSTOL_FAULT_SPEC", value: '{"id":"Bad!","durationSeconds":1,"fault":{"kind":"cpu","cores":1}}' }] });
    const t2 = await ended("shop", pod, invalid);
    expect(t2.exitCode).toBe(2);
    expect(t2.message).toContain("The fault spec is not valid: id: Use 1 to 32 lower-case letters");
    const noLease = await inject("shop", pod, { kind: "cpu", cores: 1, percent: 10 }, { lease: "never-created" });
    expect(await ended("shop", pod, noLease)).toMatchObject({ exitCode: 1 });
    expect(await logsOf("shop", pod, noLease)).toContain("Not starting: lease released: the lease was deleted.");
    await createLease("refusals");
    const unresolvable = await inject("shop", pod, { kind: "network-partition", hosts: ["nowhere.shop.svc.cluster.local"], cidrs: [], direction: "both" }, { lease: "refusals" });
    expect(await ended("shop", pod, unresolvable)).toMatchObject({ exitCode: 1 });
    expect(await logsOf("shop", pod, unresolvable)).toContain("cannot resolve nowhere.shop.svc.cluster.local");
    await k(["create", "serviceaccount", "-n", "shop", "no-lease-reader"]);
    const token = (await k(["create", "token", "-n", "shop", "no-lease-reader"])).stdout.trim();
    const forbidden = await inject("shop", pod, { kind: "cpu", cores: 1, percent: 10 }, { lease: "refusals", token });
    expect(await ended("shop", pod, forbidden)).toMatchObject({ exitCode: 1 });
    expect(await logsOf("shop", pod, forbidden)).toContain("answered 403");
    // The worker's way: a service account that may only get that one Lease, its token bound to the pod.
    await k(["create", "role", "-n", "shop", "read-refusals-lease", "--verb=get", "--resource=leases.coordination.k8s.io", "--resource-name=refusals"]);
    await k(["create", "rolebinding", "-n", "shop", "read-refusals-lease", "--role=read-refusals-lease", "--serviceaccount=shop:no-lease-reader"]);
    const bound = (await k(["create", "token", "-n", "shop", "no-lease-reader", "--bound-object-kind=Pod", `--bound-object-name=${pod}`])).stdout.trim();
    const allowed = await inject("shop", pod, { kind: "cpu", cores: 1, percent: 10 }, { lease: "refusals", token: bound });
    await eventually(async () => (await h.admin.listFaults(cluster.id)).some((f) => f.container === allowed), 300);
    expect((await releaseLease("refusals")).status).toBe(200);
    expect(await ended("shop", pod, allowed)).toMatchObject({ exitCode: 0 });
    const yaml = (await k(["get", "pod", "-n", "shop", pod, "-o", "yaml"])).stdout;
    expect(yaml).toMatch(/exitCode: 2/);
    expect(yaml).toMatch(/exitCode: 1/);
  });
});

describe("snapshots", () => {
  it("a restored sandbox takes up a fault still running and ends one whose time passed", async () => {
    await createLease("durable", 300);
    const [a, b] = await pods("shop", "app=recommendation");
    const long = await inject("shop", a!.metadata.name, { kind: "network-latency", latencyMs: 100, jitterMs: 0 }, { lease: "durable", durationSeconds: 120 });
    const short = await inject("shop", b!.metadata.name, { kind: "network-latency", latencyMs: 100, jitterMs: 0 }, { lease: "durable", durationSeconds: 2 });
    await running("shop", a!.metadata.name, long);
    await running("shop", b!.metadata.name, short);
    await renewLease("durable");
    const dir = mkdtempSync(path.join(tmpdir(), "faults-snap-"));
    const file = path.join(dir, "snapshot.ndjson");
    try {
      const source = h.server.manager;
      saveSnapshot(file, source);
      // The snapshot was taken while both ran; restore it once the short one's 2 s have passed.
      const started = Date.parse(String(((await stateOf("shop", b!.metadata.name, short)) as { running?: { startedAt: string } } | undefined)?.running?.startedAt ?? new Date().toISOString()));
      await eventually(async () => Date.now() > started + 2000, 100);
      const restored = new ClusterManager({ podStartDelayMs: 30, podStopDelayMs: 30 }, h.server.caPem);
      try {
        expect(loadSnapshot(file, restored).clusters).toBeGreaterThan(0);
        const c = restored.get(cluster.id)!;
        const status = (pod: string, container: string) =>
          ((c.store.get(POD, "shop", pod)?.status as Pod["status"] | undefined)?.ephemeralContainerStatuses ?? []).find((s) => s.name === container)?.state;
        await eventually(async () => c.simulator.list().some((f) => f.container === long), 100);
        await eventually(async () => !!status(b!.metadata.name, short)?.terminated, 100);
        expect(status(a!.metadata.name, long)?.running).toBeTruthy();
        expect(c.simulator.list().some((f) => f.container === short)).toBe(false);
      } finally {
        restored.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
