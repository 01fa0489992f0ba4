import { AppsV1Api, CoreV1Api, KubeConfig, makeInformer, PolicyV1Api, Watch, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "./harness";
import { raw } from "./raw";

let h: Harness;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let server: string;
let token: string;

const pod = (name: string, labels: Record<string, string> = {}, extra: Partial<V1Pod["spec"]> = {}): V1Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels },
  spec: { containers: [{ name: "main", image: "busybox", command: ["sleep", "3600"] }], ...extra },
});

beforeAll(async () => {
  h = await startHarness();
  const c = await h.newCluster("demo");
  server = c.server;
  token = c.token;
  kc = new KubeConfig();
  kc.loadFromString(c.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
afterAll(async () => {
  await h?.close();
});

const call = (method: string, path: string, body?: unknown, type?: string) =>
  raw(`${server}${path}`, h.server.caPem, token, method, body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body), type);

describe("@kubernetes/client-node against the sandbox", () => {
  it("lists metadata only when asked for a PartialObjectMetadataList, with the same selectors", async () => {
    const accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    const query = "labelSelector=app%3Dfrontend&fieldSelector=status.phase!%3DSucceeded%2Cstatus.phase!%3DFailed";
    const res = await raw(`${server}/api/v1/namespaces/shop/pods?${query}`, h.server.caPem, token, "GET", undefined, undefined, accept);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1" });
    const items = res.json.items as Array<Record<string, unknown>>;
    expect(items.length).toBeGreaterThan(0);
    const full = await core.listNamespacedPod({ namespace: "shop", labelSelector: "app=frontend", fieldSelector: "status.phase!=Succeeded,status.phase!=Failed" });
    expect(items.map((i) => (i.metadata as { name: string }).name)).toEqual(full.items.map((p) => p.metadata!.name));
    for (const i of items) {
      expect(Object.keys(i).sort()).toEqual(["apiVersion", "kind", "metadata"]);
      expect(i).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1" });
    }
  });

  it("lists with label and field selectors, limit and continue", async () => {
    const all = await core.listPodForAllNamespaces();
    expect(all.items.length).toBeGreaterThan(20);
    expect(all.metadata?.resourceVersion).toMatch(/^\d+$/);
    for (const p of all.items) expect(p.metadata?.resourceVersion).toMatch(/^\d+$/);
    const fe = await core.listNamespacedPod({ namespace: "shop", labelSelector: "app in (frontend,cart),app!=cart" });
    expect(fe.items.map((p) => p.metadata?.labels?.app)).toEqual(["frontend", "frontend", "frontend"]);
    const noApp = await core.listNamespacedPod({ namespace: "shop", labelSelector: "!app" });
    expect(noApp.items).toEqual([]);
    const exists = await core.listNamespacedPod({ namespace: "shop", labelSelector: "app,app notin (frontend)" });
    expect(exists.items.every((p) => p.metadata?.labels?.app !== "frontend")).toBe(true);
    const node = fe.items[0]!.spec!.nodeName!;
    const onNode = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node},status.phase=Running` });
    expect(onNode.items.length).toBeGreaterThan(0);
    expect(onNode.items.every((p) => p.spec?.nodeName === node)).toBe(true);
    const byName = await core.listNamespacedPod({ namespace: "shop", fieldSelector: `metadata.name=${fe.items[0]!.metadata!.name}` });
    expect(byName.items).toHaveLength(1);
    const names: string[] = [];
    let cont: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await core.listPodForAllNamespaces({ limit: 7, _continue: cont });
      expect(page.items.length).toBeLessThanOrEqual(7);
      names.push(...page.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      cont = page.metadata?._continue;
      if (!cont) break;
    }
    expect(names).toEqual(all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
  });

  it("watches from a resourceVersion and runs an informer", async () => {
    const list = await core.listNamespacedPod({ namespace: "default" });
    const seen: string[] = [];
    const watch = new Watch(kc);
    const ctrl = await watch.watch(
      "/api/v1/namespaces/default/pods",
      { resourceVersion: list.metadata!.resourceVersion, allowWatchBookmarks: true },
      (type, obj: V1Pod) => seen.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    const informer = makeInformer(kc, "/api/v1/namespaces/default/pods", () => core.listNamespacedPod({ namespace: "default" }));
    const added: string[] = [];
    informer.on("add", (p: V1Pod) => added.push(p.metadata!.name!));
    await informer.start();
    await core.createNamespacedPod({ namespace: "default", body: pod("watched") });
    await eventually(async () => seen.includes("ADDED watched") && seen.includes("MODIFIED watched") && added.includes("watched"));
    await eventually(async () => informer.get("watched", "default")?.status?.phase === "Running");
    await core.deleteNamespacedPod({ name: "watched", namespace: "default" });
    await eventually(async () => seen.includes("DELETED watched"));
    ctrl.abort();
    await informer.stop();
  });

  it("answers an expired resourceVersion with 410 Gone", async () => {
    const res = await call("GET", "/api/v1/pods?watch=1&resourceVersion=1");
    // The demo cluster's history starts after seeding, so version 1 is long gone.
    const line = JSON.parse(res.body.split("\n")[0]!) as { type: string; object: { code: number; reason: string } };
    expect(line.type).toBe("ERROR");
    expect(line.object.code).toBe(410);
    expect(line.object.reason).toBe("Expired");
  });

  it("patches with merge, strategic merge and JSON patch; bumps generation", async () => {
    const d0 = await apps.readNamespacedDeployment({ name: "cart", namespace: "shop" });
    const merge = await call("PATCH", "/apis/apps/v1/namespaces/shop/deployments/cart", { metadata: { labels: { patched: "merge" } } }, "application/merge-patch+json");
    expect(merge.status).toBe(200);
    expect((merge.json.metadata as { generation: number }).generation).toBe(d0.metadata!.generation);
    const smp = await call(
      "PATCH",
      "/apis/apps/v1/namespaces/shop/deployments/cart",
      { spec: { template: { spec: { containers: [{ name: "cart", image: "pystol/shop-cart:2.0.0" }] } } } },
      "application/strategic-merge-patch+json",
    );
    const containers = ((smp.json.spec as { template: { spec: { containers: { name: string; image: string; ports?: unknown[] }[] } } }).template.spec.containers);
    expect(containers).toHaveLength(1);
    expect(containers[0]!.image).toBe("pystol/shop-cart:2.0.0");
    expect(containers[0]!.ports).toBeDefined();
    expect((smp.json.metadata as { generation: number }).generation).toBe(d0.metadata!.generation! + 1);
    const jp = await call("PATCH", "/apis/apps/v1/namespaces/shop/deployments/cart", [{ op: "replace", path: "/spec/replicas", value: 3 }], "application/json-patch+json");
    expect((jp.json.spec as { replicas: number }).replicas).toBe(3);
    await eventually(async () => {
      const d = await apps.readNamespacedDeployment({ name: "cart", namespace: "shop" });
      return d.status?.observedGeneration === d.metadata?.generation && d.status?.availableReplicas === 3 && d.status?.updatedReplicas === 3;
    });
  });

  it("deletes gracefully and by collection", async () => {
    await core.createNamespacedPod({ namespace: "default", body: pod("graceful", { batch: "x" }) });
    await eventually(async () => (await core.readNamespacedPod({ name: "graceful", namespace: "default" })).status?.phase === "Running");
    const deleted = await core.deleteNamespacedPod({ name: "graceful", namespace: "default", gracePeriodSeconds: 30 });
    expect((deleted as V1Pod).metadata?.deletionTimestamp).toBeDefined();
    expect((deleted as V1Pod).metadata?.deletionGracePeriodSeconds).toBe(30);
    await eventually(async () => (await core.listNamespacedPod({ namespace: "default", fieldSelector: "metadata.name=graceful" })).items.length === 0);
    for (const n of ["bulk-1", "bulk-2"]) await core.createNamespacedPod({ namespace: "default", body: pod(n, { bulk: "yes" }) });
    await core.deleteCollectionNamespacedPod({ namespace: "default", labelSelector: "bulk=yes", gracePeriodSeconds: 0 });
    expect((await core.listNamespacedPod({ namespace: "default", labelSelector: "bulk=yes" })).items).toEqual([]);
  });

  it("refuses an eviction that a PodDisruptionBudget forbids with 429", async () => {
    const checkout = await core.listNamespacedPod({ namespace: "shop", labelSelector: "app=checkout" });
    const name = checkout.items[0]!.metadata!.name!;
    const res = await call("POST", `/api/v1/namespaces/shop/pods/${name}/eviction`, { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "shop" } });
    expect(res.status).toBe(429);
    expect(res.json.reason).toBe("TooManyRequests");
    const pdb = await kc.makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ name: "checkout", namespace: "shop" });
    expect(pdb.status?.disruptionsAllowed).toBe(0);
    const payment = await core.listNamespacedPod({ namespace: "shop", labelSelector: "app=payment" });
    const ok = await call("POST", `/api/v1/namespaces/shop/pods/${payment.items[0]!.metadata!.name}/eviction`, { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: payment.items[0]!.metadata!.name, namespace: "shop" } });
    expect(ok.status).toBe(201);
  });

  it("returns Status errors and never breaks on bad input", async () => {
    const nf = await call("GET", "/api/v1/namespaces/default/pods/nope");
    expect([nf.status, nf.json.kind, nf.json.reason]).toEqual([404, "Status", "NotFound"]);
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "c1" }, data: { a: "1" } } });
    const dup = await call("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "c1" } });
    expect([dup.status, dup.json.reason]).toEqual([409, "AlreadyExists"]);
    const cur = await core.readNamespacedConfigMap({ name: "c1", namespace: "default" });
    await call("PUT", "/api/v1/namespaces/default/configmaps/c1", { ...cur, data: { a: "2" } });
    const stale = await call("PUT", "/api/v1/namespaces/default/configmaps/c1", { ...cur, data: { a: "3" } });
    expect([stale.status, stale.json.reason]).toEqual([409, "Conflict"]);
    const bad = await call("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "Not_Valid" } });
    expect([bad.status, bad.json.reason]).toEqual([422, "Invalid"]);
    const noContainers = await call("POST", "/api/v1/namespaces/default/pods", { metadata: { name: "empty" }, spec: { containers: [] } });
    expect([noContainers.status, noContainers.json.reason]).toEqual([422, "Invalid"]);
    const malformed = await call("POST", "/api/v1/namespaces/default/configmaps", "{not json");
    expect([malformed.status, malformed.json.reason]).toEqual([400, "BadRequest"]);
    const wrongKind = await call("POST", "/api/v1/namespaces/default/configmaps", { kind: "Secret", apiVersion: "v1", metadata: { name: "x" } });
    expect(wrongKind.status).toBe(400);
    const unknown = await call("GET", "/apis/example.com/v1/widgets");
    expect(unknown.status).toBe(404);
    const huge = await call("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "huge" }, data: { a: "x".repeat(4 * 1024 * 1024) } }));
    expect([huge.status, huge.json.reason]).toEqual([413, "RequestEntityTooLarge"]);
    const noNs = await call("POST", "/api/v1/namespaces/missing/configmaps", { metadata: { name: "x" } });
    expect(noNs.status).toBe(404);
    expect((await call("GET", "/version")).status).toBe(200);
  });

  it("keeps clusters apart: another cluster's token is refused", async () => {
    const other = await h.newCluster("empty");
    const id = server.split("/c/")[1]!;
    const res = await raw(`${server}/api/v1/pods`, h.server.caPem, other.token, "GET");
    expect([res.status, res.json.reason]).toEqual([401, "Unauthorized"]);
    const mine = await raw(`${other.server}/api/v1/namespaces`, h.server.caPem, other.token, "GET");
    expect(mine.status).toBe(200);
    const none = await raw(`${server.replace(id, "zzzzzzzzzz")}/api/v1/pods`, h.server.caPem, token, "GET");
    expect(none.status).toBe(401);
    await h.admin.deleteCluster(other.id);
    expect((await raw(`${other.server}/api/v1/namespaces`, h.server.caPem, other.token, "GET")).status).toBe(401);
  });

  it("answers access reviews and serves metrics.k8s.io", async () => {
    const ssar = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes: { verb: "delete", resource: "pods" } } });
    expect((ssar.json.status as { allowed: boolean }).allowed).toBe(true);
    const nodes = await call("GET", "/apis/metrics.k8s.io/v1beta1/nodes");
    expect((nodes.json.items as unknown[]).length).toBe(7);
    const pods = await call("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods");
    expect((pods.json.items as { containers: { usage: { cpu: string } }[] }[])[0]!.containers[0]!.usage.cpu).toMatch(/^\d+m$/);
  });

  it("runs probe pods over the simulated network, with injected partitions", async () => {
    const nodes = (await core.listNode()).items.map((n) => n.metadata!.name!);
    const [a, b] = [nodes.find((n) => n.startsWith("general-a"))!, nodes.find((n) => n.startsWith("general-b"))!];
    await h.admin.setNetwork(server.split("/c/")[1]!, [{ from: a, to: b, partition: true }]);
    const probe = pod("probe-1", { "pystol.io/role": "probe" }, { restartPolicy: "Never", nodeName: a });
    probe.spec!.containers[0]!.env = [
      { name: "PYSTOL_PROBE_TARGETS", value: `${b} general-c-1` },
      { name: "PYSTOL_PROBE_ROUNDS", value: "2" },
    ];
    await core.createNamespacedPod({ namespace: "default", body: probe });
    await eventually(async () => (await core.readNamespacedPod({ name: "probe-1", namespace: "default" })).status?.phase === "Succeeded");
    const log = await core.readNamespacedPodLog({ name: "probe-1", namespace: "default" });
    const lines = log.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ target: b, reachable: false, rttMs: null, round: 1 });
    expect(lines[1]).toMatchObject({ target: "general-c-1", reachable: true, round: 1 });
    expect(typeof lines[1]!.rttMs).toBe("number");
    expect(lines[4]).toEqual({ done: true });
  });
});
