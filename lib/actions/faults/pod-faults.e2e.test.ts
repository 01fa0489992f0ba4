import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoordinationV1Api, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions } from "@kubernetes/client-node";

// The faults the runner makes inside pods, end to end: startRun as the web app calls it, the
// runs queue, a run worker, PostgreSQL, and the sandbox cluster with the demo shop (which
// accepts the runner as an ephemeral container and simulates it). This file's queue is its own.
process.env.PYSTOL_QUEUE_PREFIX = `pystol-test-faults-${process.pid}`;
process.env.RUN_HEARTBEAT_MS = "200";
process.env.RUN_STALE_MS = "2000";
process.env.RUN_SWEEP_MS = "500";
process.env.PYSTOL_FAULT_LEASE_SECONDS = "6";

const { RunRefusedError } = await import("@/lib/actions");
const { db } = await import("@/lib/db");
const { abortRun, haltTeamRuns, planRun, startRun } = await import("@/lib/runs");
const h = await import("@/lib/runs/testing/harness");
const { actionAccess, checkCluster } = await import("@/lib/clusters");

let stack: Awaited<ReturnType<typeof h.startRunStack>>;
let c: Awaited<ReturnType<typeof h.createTestCluster>>;
let leases: CoordinationV1Api;

beforeAll(async () => {
  stack = await h.startRunStack("faults");
  c = stack.cluster;
  leases = await coordinationOf(c);
});
afterAll(() => stack.close());

async function coordinationOf(cluster: { kubeconfig: Cluster["kubeconfig"] }): Promise<CoordinationV1Api> {
  return cluster.kubeconfig.makeApiClient(CoordinationV1Api);
}

type Cluster = typeof c;
const start = (actionId: string, params: unknown, cluster: Cluster = c) => startRun({ teamId: cluster.teamId, clusterId: cluster.clusterId, actionId, params });
const plan = (actionId: string, params: unknown, cluster: Cluster = c) => planRun({ teamId: cluster.teamId, clusterId: cluster.clusterId, actionId, params });

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RunRefusedError);
  return { code: (err as InstanceType<typeof RunRefusedError>).code, message: (err as Error).message };
}

const target = { namespace: "shop", labelSelector: "app=cart", count: 1 };

// One fault of every kind, with the parameters a person would give.
const FAULTS: Array<[string, Record<string, unknown>]> = [
  ["network-latency", { ...target, latencyMs: 300, jitterMs: 50, durationSeconds: 120 }],
  ["network-loss", { ...target, percent: 30, durationSeconds: 120 }],
  ["network-partition", { ...target, destinationSelector: "app=checkout", cidrs: ["10.99.0.0/16"], hosts: ["payment.shop.svc"], direction: "both", durationSeconds: 120 }],
  ["dns-fault", { ...target, patterns: ["*.example.com"], answer: "servfail", durationSeconds: 120 }],
  ["http-fault", { ...target, port: 7070, pathPrefix: "/cart", percent: 50, status: 503, durationSeconds: 120 }],
  ["cpu-pressure", { ...target, cores: 1, percent: 80, durationSeconds: 120 }],
  ["memory-pressure", { ...target, percentOfLimit: 50, durationSeconds: 120 }],
  ["process-kill", { ...target, container: "cart", repeat: 3, intervalSeconds: 20 }],
];

type Pod = Awaited<ReturnType<Cluster["core"]["readNamespacedPod"]>>;
const readPod = (cluster: Cluster, name: string): Promise<Pod> => cluster.core.readNamespacedPod({ name, namespace: "shop" });
const runnerStatus = (pod: Pod, container: string) => (pod.status?.ephemeralContainerStatuses ?? []).find((s) => s.name === container);
const leaseExists = (api: CoordinationV1Api, name: string) =>
  api.readNamespacedLease({ name, namespace: "shop" }).then(
    () => true,
    (e: { code?: number }) => (e.code === 404 ? false : Promise.reject(e)),
  );

/** Waits until the run's fault is injected; returns the pod and the runner's (and Lease's) name. */
async function injected(runId: string): Promise<{ pod: string; name: string }> {
  const step = await h.eventually("the fault injected", async () => {
    const s = await db.runStep.findFirst({ where: { runId, name: { startsWith: "inject " } } });
    return s?.state === "SUCCEEDED" ? s : s?.state === "FAILED" ? Promise.reject(new Error(`inject failed: ${s.error}`)) : undefined;
  });
  const undo = step.undo as { pod: string; name: string };
  return { pod: undo.pod, name: undo.name };
}

describe("plan and dry run", () => {
  it.each(FAULTS)("%s: names the pod, the runner, its image and what Pod Security it needs; creates nothing", async (id, params) => {
    const { plan: p } = await plan(id, params);
    expect(p.targets).toHaveLength(1);
    expect(p.targets[0]).toMatchObject({ kind: "Pod", namespace: "shop" });
    expect(p.summary).toMatch(id === "process-kill" ? /in 1 of 2 matching pods \(app=cart in shop\)$/ : /in 1 of 2 matching pods \(app=cart in shop\) for \d+s$/);
    expect(p.detail).toMatchObject({ runnerImage: "pystol-fault-runner:local" });
    expect(String(p.detail?.podSecurity)).toMatch(/^shop enforces privileged; the runner needs (privileged|baseline|restricted)$/);
    expect((p.detail?.runners as string[])[0]).toMatch(new RegExp(`^${p.targets[0]!.name}: runner pystol-[0-9a-f]+-0$`));
    expect((await leases.listNamespacedLease({ namespace: "shop" })).items.filter((l) => l.metadata?.name?.startsWith("pystol-"))).toEqual([]);
  });

  it("works out what the fault means for each pod: a partition's addresses, memory from the limit, the process to kill", async () => {
    const checkout = (await c.core.listNamespacedPod({ namespace: "shop", labelSelector: "app=checkout" })).items.map((x) => x.status!.podIP!);
    const partition = (await plan("network-partition", FAULTS[2]![1])).plan;
    expect(partition.detail?.cutOff).toEqual(expect.arrayContaining([...checkout, "10.99.0.0/16", "payment.shop.svc (resolved when the fault starts)"]));
    // cart's limit is 192Mi: half of it.
    expect((await plan("memory-pressure", FAULTS[6]![1])).plan.detail?.memory).toEqual([expect.stringMatching(/: 96 MiB$/)]);
    expect((await plan("process-kill", FAULTS[7]![1])).plan.detail?.process).toEqual(["shop-cart"]);
  });

  it("refuses parameters that make no fault, with the form's words", async () => {
    expect((await refusal(plan("network-partition", { ...target }))).message).toContain("name what to cut off: pods, a service, networks or host names.");
    expect((await refusal(plan("dns-fault", { ...target, patterns: ["x.example.com"], answer: "slow" }))).message).toMatch(/give the delay for slow answers\./i);
    expect((await refusal(plan("http-fault", { ...target, port: 7070 }))).message).toMatch(/give a delay, an error status, or both\./i);
    expect((await refusal(plan("http-fault", { ...target, port: 9, status: 503 }))).message).toContain("declares no port 9");
    expect((await refusal(plan("memory-pressure", { ...target }))).message).toMatch(/in MiB or as a percentage of the limit: one of the two/);
    expect(await refusal(plan("process-kill", { ...target, container: "nope" }))).toMatchObject({ code: "not-found", message: expect.stringContaining("Its containers: cart") });
    expect(await refusal(plan("network-partition", { ...target, service: "nothing" }))).toMatchObject({ code: "not-found" });
  });
});

describe("refusals at plan time", () => {
  it("a namespace whose Pod Security level refuses the runner, with the reason; a fault it admits goes through", async () => {
    const own = await h.createTestCluster(stack.sandbox);
    await own.core.patchNamespace(
      { name: "shop", body: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "baseline" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    for (const [id, params] of FAULTS.slice(0, 5)) {
      const r = await refusal(plan(id, params, own));
      expect(r.code, id).toBe("pod-security");
      expect(r.message).toContain("Namespace shop enforces the baseline Pod Security level, which refuses this fault's runner.");
      expect(r.message).toContain("CAP_NET_ADMIN");
    }
    // CPU and memory pressure run unprivileged: baseline admits them. cart runs as root, so
    // killing its process needs CAP_KILL, which baseline admits too.
    for (const [id, params] of FAULTS.slice(5)) expect((await plan(id, params, own)).plan.targets, id).toHaveLength(1);
  });

  it("credentials the probe found lacking a permission the runner needs", async () => {
    const limited = await h.createTestCluster(stack.sandbox);
    await db.cluster.update({ where: { id: limited.clusterId }, data: { permissions: { "patch pods/ephemeralcontainers": false, "create leases": true } } });
    for (const [id, params] of FAULTS) {
      const r = await refusal(start(id, params, limited));
      expect(r.code, id).toBe("missing-permissions");
      expect(r.message).toContain("patch pods/ephemeralcontainers");
    }
  });

  it("the connection probe asks what the runner needs; a cluster that may not write Leases is refused for every fault", async () => {
    const noLeases = await h.createTestCluster(stack.sandbox, {}, { deny: ["leases.coordination.k8s.io"] });
    const row = await db.cluster.findUniqueOrThrow({ where: { id: noLeases.clusterId } });
    const checked = await checkCluster(row);
    expect(checked.ok).toBe(true);
    const permissions = (await db.cluster.findUniqueOrThrow({ where: { id: noLeases.clusterId } })).permissions as Record<string, boolean>;
    expect(permissions).toMatchObject({ "patch pods/ephemeralcontainers": true, "create serviceaccounts/token": true, "create leases": false, "delete leases": false });
    const access = actionAccess(permissions)!;
    for (const [id] of FAULTS) expect(access.find((a) => a.id === id)?.missing, id).toEqual(["get leases", "create leases", "update leases", "delete leases"]);
    expect(access.find((a) => a.id === "pod-kill")?.allowed).toBe(true);
    for (const [id, params] of FAULTS) {
      const r = await refusal(start(id, params, noLeases));
      expect(r, id).toEqual({ code: "missing-permissions", message: "The cluster's credentials may not: get leases, create leases, update leases, delete leases" });
    }
  });

  it("a protected namespace", async () => {
    for (const [id, params] of FAULTS) {
      expect((await refusal(plan(id, { ...params, namespace: "kube-system", labelSelector: "k8s-app=kube-dns" }))).code, id).toMatch(/protected-namespace|empty-selection/);
    }
    const own = await h.createTestCluster(stack.sandbox);
    await db.team.update({ where: { id: own.teamId }, data: { protectedNamespaces: ["shop"] } });
    for (const [id, params] of FAULTS) expect((await refusal(plan(id, params, own))).code, id).toBe("protected-namespace");
  });
});

// Under load a run takes a while from start to rollback: generous bounds, exact assertions.
describe("runs", { timeout: 180_000 }, () => {
  it.each(FAULTS)("%s: injected with its Lease, held, and removed by abort (Lease gone, runner ended)", async (id, params) => {
    const own = await h.createTestCluster(stack.sandbox);
    const api = await coordinationOf(own);
    const { run } = await start(id, params, own);
    const { pod, name } = await injected(run.id);
    const p = await readPod(own, pod);
    const container = p.spec?.ephemeralContainers?.find((x) => x.name === name);
    expect(container?.image).toBe("pystol-fault-runner:local");
    expect(JSON.parse(container!.env!.find((e) => e.name === "PYSTOL_FAULT_SPEC")!.value!)).toMatchObject({ fault: { kind: id.replace(/-fault$/, "").replace(/-pressure$/, "") } });
    const lease = await api.readNamespacedLease({ name, namespace: "shop" });
    expect(lease.spec?.holderIdentity).toBe(`pystol-run-${run.id}`);
    // The runner's account may read its Lease and nothing else.
    const role = await stackRbac(own).readNamespacedRole({ name, namespace: "shop" });
    expect(role.rules).toEqual([expect.objectContaining({ verbs: ["get"], resources: ["leases"], resourceNames: [name] })]);
    await h.eventually("the runner running", async () => runnerStatus(await readPod(own, pod), name)?.state?.running !== undefined);

    expect(await abortRun(own.teamId, run.id)).toMatch(/RUNNING|ROLLING_BACK|ROLLED_BACK/);
    const done = await h.waitForRun(run.id);
    expect(done.state).toBe("ROLLED_BACK");
    expect(await leaseExists(api, name)).toBe(false);
    expect(runnerStatus(await readPod(own, pod), name)?.state?.terminated).toBeDefined();
    await expect(stackRbac(own).readNamespacedRole({ name, namespace: "shop" })).rejects.toMatchObject({ code: 404 });
    await expect(own.core.readNamespacedServiceAccount({ name, namespace: "shop" })).rejects.toMatchObject({ code: 404 });
  });

  it("a fault held for its duration ends by itself and the run succeeds with the Lease released", async () => {
    const own = await h.createTestCluster(stack.sandbox);
    const api = await coordinationOf(own);
    const { run } = await start("cpu-pressure", { ...target, cores: 1, durationSeconds: 8 }, own);
    const { pod, name } = await injected(run.id);
    // The runner's token reads its own Lease and nothing else, not even another Lease.
    const env = (await readPod(own, pod)).spec!.ephemeralContainers!.find((x) => x.name === name)!.env!;
    const token = env.find((e) => e.name === "PYSTOL_LEASE_TOKEN")!.value!;
    expect(JSON.parse(env.find((e) => e.name === "PYSTOL_LEASE")!.value!)).toMatchObject({ kind: "kubernetes", namespace: "shop", name, server: expect.stringMatching(/^https:\/\/[\d.]+:443$/) });
    const asRunner = (path: string) => statusAs(own, token, path);
    expect(await asRunner(`/apis/coordination.k8s.io/v1/namespaces/shop/leases/${name}`)).toBe(200);
    expect(await asRunner(`/apis/coordination.k8s.io/v1/namespaces/shop/leases`)).toBe(403);
    expect(await asRunner(`/api/v1/namespaces/shop/pods`)).toBe(403);
    const renewed = await h.eventually("the lease renewed", async () => {
      const l = await api.readNamespacedLease({ name, namespace: "shop" });
      return new Date(l.spec!.renewTime!).getTime() > new Date(l.spec!.acquireTime!).getTime() ? true : undefined;
    });
    expect(renewed).toBe(true);
    const done = await h.waitForRun(run.id);
    expect(done.state).toBe("SUCCEEDED");
    expect(await leaseExists(api, name)).toBe(false);
    await h.eventually("the runner ended", async () => runnerStatus(await readPod(own, pod), name)?.state?.terminated !== undefined);
  });

  it("a runner that cannot start its fault fails the run with its reason, and the run is rolled back", async () => {
    const own = await h.createTestCluster(stack.sandbox);
    const api = await coordinationOf(own);
    const { run } = await start("network-partition", { ...target, hosts: ["nowhere.invalid"], durationSeconds: 120 }, own);
    const done = await h.waitForRun(run.id);
    expect(done.state).toBe("ROLLED_BACK");
    const step = await db.runStep.findFirstOrThrow({ where: { runId: run.id, name: { startsWith: "inject " } } });
    expect(step.error).toMatch(/^the fault runner in pod cart-\S+ did not start its fault \(exit 1\): Not starting: .*nowhere\.invalid/);
    expect(step.state).toBe("ROLLED_BACK");
    expect((await api.listNamespacedLease({ namespace: "shop" })).items.filter((l) => l.metadata?.name?.startsWith("pystol-"))).toEqual([]);
  });

  const checkout = "/api/v1/namespaces/shop/services/frontend:http/proxy/checkout";
  const cartAll = { namespace: "shop", labelSelector: "app=cart", percentage: 100 };
  const containersInMetrics = async (cluster: Cluster, pod: string) =>
    ((JSON.parse((await getAs(cluster, `/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/${pod}`)).body) as { containers?: Array<{ name: string }> }).containers ?? []).map((x) => x.name);
  const cartRestarts = async (cluster: Cluster, pod: string) => (await readPod(cluster, pod)).status?.containerStatuses?.find((x) => x.name === "cart")?.restartCount ?? 0;

  // Each fault as the sandbox's models show it: on while the run holds it, off once aborted.
  const EFFECTS: Array<[string, Record<string, unknown>, (cl: Cluster, pod: string, name: string) => Promise<boolean>, (cl: Cluster, pod: string, name: string) => Promise<boolean>]> = [
    ["network-latency", { ...cartAll, latencyMs: 400, durationSeconds: 300 }, async (cl) => (await getAs(cl, checkout)).ms >= 400, async (cl) => (await getAs(cl, checkout)).status === 200],
    ["network-loss", { ...cartAll, percent: 100, direction: "both", durationSeconds: 300 }, async (cl) => (await getAs(cl, checkout)).status !== 200, async (cl) => (await getAs(cl, checkout)).status === 200],
    ["network-partition", { ...cartAll, destinationSelector: "app=redis-cart", destinationNamespace: "shop-data", durationSeconds: 300 }, async (cl) => (await getAs(cl, checkout)).status !== 200, async (cl) => (await getAs(cl, checkout)).status === 200],
    ["dns-fault", { ...cartAll, patterns: ["redis-cart.*"], answer: "nxdomain", durationSeconds: 300 }, async (cl) => (await getAs(cl, checkout)).status !== 200, async (cl) => (await getAs(cl, checkout)).status === 200],
    [
      "http-fault",
      { namespace: "shop", labelSelector: "app=frontend", percentage: 100, port: 8080, percent: 100, status: 503, durationSeconds: 300 },
      async (cl) => {
        const r = await getAs(cl, checkout);
        return r.status === 503 && r.body.includes("injected by a Pystol fault");
      },
      async (cl) => (await getAs(cl, checkout)).status === 200,
    ],
    ["cpu-pressure", { ...target, cores: 1, durationSeconds: 300 }, async (cl, pod, name) => (await containersInMetrics(cl, pod)).includes(name), async (cl, pod, name) => !(await containersInMetrics(cl, pod)).includes(name)],
    ["memory-pressure", { ...target, mebibytes: 64, durationSeconds: 300 }, async (cl, pod, name) => (await containersInMetrics(cl, pod)).includes(name), async (cl, pod, name) => !(await containersInMetrics(cl, pod)).includes(name)],
    ["process-kill", { ...target, container: "cart", repeat: 50, intervalSeconds: 2 }, async (cl, pod) => (await cartRestarts(cl, pod)) >= 2, async () => true],
  ];

  it.each(EFFECTS)("%s: its effect shows in the sandbox while held and is gone after abort", async (id, params, on, off) => {
    const own = await h.createTestCluster(stack.sandbox);
    const { run } = await start(id, params, own);
    const { pod, name } = await injected(run.id);
    await h.eventually(`${id} in effect`, () => on(own, pod, name));
    await abortRun(own.teamId, run.id);
    expect((await h.waitForRun(run.id)).state).toBe("ROLLED_BACK");
    await h.eventually(`${id} gone`, () => off(own, pod, name));
    if (id === "process-kill") {
      // No round after the abort: the restart count stays where the last round left it.
      const after = await cartRestarts(own, pod);
      await new Promise((r) => setTimeout(r, 4_000));
      expect(await cartRestarts(own, pod)).toBe(after);
    }
  });

  it("halt-all removes every fault of the team", async () => {
    const own = await h.createTestCluster(stack.sandbox);
    const api = await coordinationOf(own);
    const runs = await Promise.all([
      start("network-latency", { ...target, latencyMs: 300, durationSeconds: 300 }, own),
      start("cpu-pressure", { namespace: "shop", labelSelector: "app=frontend", count: 2, durationSeconds: 300 }, own),
    ]);
    const names = await Promise.all(runs.map(async ({ run }) => (await injected(run.id)).name));
    expect(await haltTeamRuns(own.teamId, { name: "Ada", userId: null, tokenId: null })).toMatchObject({ aborting: 2 });
    for (const { run } of runs) expect((await h.waitForRun(run.id)).state).toBe("ROLLED_BACK");
    const left = (await api.listNamespacedLease({ namespace: "shop" })).items.map((l) => l.metadata!.name);
    for (const n of names) expect(left).not.toContain(n);
  });
});

/** A GET to the sandbox with this bearer token (the cluster's own by default): status, body, time taken. */
function getAs(cluster: Cluster, path: string, token = cluster.kubeconfig.getCurrentUser()!.token!): Promise<{ status: number; body: string; ms: number }> {
  const { server, caData } = cluster.kubeconfig.getCurrentCluster()!;
  const ca = Buffer.from(caData!, "base64").toString();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = https.request(`${server}${path}`, { headers: { authorization: `Bearer ${token}` }, ca }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
    });
    req.on("error", reject);
    req.end();
  });
}
const statusAs = async (cluster: Cluster, token: string, path: string) => (await getAs(cluster, path, token)).status;

function stackRbac(cluster: Cluster): RbacAuthorizationV1Api {
  return cluster.kubeconfig.makeApiClient(RbacAuthorizationV1Api);
}

describe("a team's own runner image", { timeout: 180_000 }, () => {
  const image = "registry.example.com:5000/acme/fault-runner:2.0";

  it("the plan shows it and the run's runner (and its undo) use it; a team without one gets the installation's", async () => {
    const own = await h.createTestCluster(stack.sandbox);
    await db.team.update({ where: { id: own.teamId }, data: { faultRunnerImage: image } });
    const params = { ...target, cores: 1, durationSeconds: 60 };
    expect((await plan("cpu-pressure", params, own)).plan.detail).toMatchObject({ runnerImage: image });
    expect((await plan("cpu-pressure", params)).plan.detail).toMatchObject({ runnerImage: "pystol-fault-runner:local" });

    const { run } = await start("cpu-pressure", params, own);
    const { pod, name } = await injected(run.id);
    const container = (await readPod(own, pod)).spec?.ephemeralContainers?.find((x) => x.name === name);
    expect(container?.image).toBe(image);
    // The sandbox simulates it like the installation's: it carries the fault's spec.
    await h.eventually("the runner running", async () => runnerStatus(await readPod(own, pod), name)?.state?.running !== undefined);
    const prepare = await db.runStep.findFirstOrThrow({ where: { runId: run.id, name: { startsWith: "prepare the fault runner" } } });
    expect(prepare.undo).toMatchObject({ kind: "remove-fault-runner", image });
    await abortRun(own.teamId, run.id);
    expect((await h.waitForRun(run.id)).state).toBe("ROLLED_BACK");
  });

  it("a stored image that is no longer valid is refused at plan time with the reason", async () => {
    const own = await h.createTestCluster(stack.sandbox);
    await db.team.update({ where: { id: own.teamId }, data: { faultRunnerImage: "Registry/Acme Runner" } });
    const r = await refusal(plan("cpu-pressure", { ...target, cores: 1, durationSeconds: 60 }, own));
    expect(r.code).toBe("invalid-params");
    expect(r.message).toContain("The team's fault runner image Registry/Acme Runner is refused: An image reference has no spaces or shell characters");
    expect(r.message).toContain("Change it in the team's settings.");
  });
});
