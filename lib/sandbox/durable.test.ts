import type { ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { killHard, startSandboxProcess, stopGracefully } from "../runs/testing/processes";
import { SandboxAdminClient, type CreatedCluster } from "./admin-client";
import { eventually, kubectl } from "./conformance/harness";
import { frame } from "./journal";

// The sandbox as its own process, changed through its API, killed with SIGKILL right after the
// answers and started again from the same data directory: every acknowledged write is there.

const KUBECTL = "/usr/bin/kubectl";
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of children) await killHard(c);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Proc = Awaited<ReturnType<typeof startSandboxProcess>>;

async function start(prev?: Proc, env: Record<string, string> = {}): Promise<Proc & { admin: SandboxAdminClient }> {
  const p = await startSandboxProcess({
    dataDir: prev?.dataDir,
    port: prev?.port,
    adminPort: prev?.adminPort,
    adminToken: prev?.adminToken,
    env: { SANDBOX_SNAPSHOT: "1", ...env },
  });
  children.push(p.child);
  if (!prev) dirs.push(p.dataDir);
  return { ...p, admin: new SandboxAdminClient(p.adminUrl, p.adminToken) };
}

const work = mkdtempSync(path.join(tmpdir(), "durable-test-"));
dirs.push(work);
let kcN = 0;
function kubeconfigOf(c: CreatedCluster): string {
  const f = path.join(work, `kc-${kcN++}.yaml`);
  writeFileSync(f, c.kubeconfig, { mode: 0o600 });
  return f;
}

async function k(kc: string, args: string[]): Promise<string> {
  const r = await kubectl(KUBECTL, kc, args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

const unschedulable = (kc: string, node: string) => k(kc, ["get", "node", node, "-o", "jsonpath={.spec.unschedulable}"]);
const replicas = (kc: string, ns: string, d: string) => k(kc, ["-n", ns, "get", "deployment", d, "-o", "jsonpath={.spec.replicas}"]);

/** A watch from `rv` that the server ends after a second: its event types and objects' names, or the 410. */
function watchFrom(c: CreatedCluster, caPem: string, p: string, rv: string): Promise<{ type: string; name?: string; code?: number }[]> {
  return new Promise((resolve, reject) => {
    https
      .get(`${c.server}${p}?watch=1&resourceVersion=${rv}&timeoutSeconds=1`, { ca: caPem, headers: { authorization: `Bearer ${c.token}` } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (s: string) => (text += s));
        res.on("end", () =>
          resolve(
            text
              .split("\n")
              .filter(Boolean)
              .map((l) => JSON.parse(l) as { type: string; object: { metadata?: { name?: string }; code?: number } })
              .map((e) => ({ type: e.type, name: e.object.metadata?.name, code: e.object.code })),
          ),
        );
      })
      .on("error", reject);
  });
}

const segments = (dataDir: string) => (existsSync(path.join(dataDir, "journal")) ? readdirSync(path.join(dataDir, "journal")).sort() : []);

describe("a sandbox killed with SIGKILL keeps every acknowledged write", () => {
  it("cordons and scale-downs made and undone before the kill stay undone; those still active stay active", { timeout: 240_000 }, async () => {
    // No periodic snapshot during the test: every change here is replayed from the journal.
    const s1 = await start(undefined, { SANDBOX_SNAPSHOT_INTERVAL_S: "3600" });
    const c = await s1.admin.createCluster({ seed: "demo" });
    const kc = kubeconfigOf(c);
    const nodes = (await k(kc, ["get", "nodes", "-l", "!node-role.kubernetes.io/control-plane", "-o", "jsonpath={.items[*].metadata.name}"])).split(" ");
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    const [undoneNode, activeNode] = nodes as [string, string];
    // Changes a run makes and, for some, undoes (recorded as done) before the crash.
    await k(kc, ["cordon", undoneNode]);
    await k(kc, ["cordon", activeNode]);
    await k(kc, ["-n", "shop", "scale", "deployment/frontend", "--replicas=0"]);
    await k(kc, ["-n", "shop", "scale", "deployment/cart", "--replicas=0"]);
    await k(kc, ["create", "configmap", "kept", "-n", "default", "--from-literal=a=1"]);
    await k(kc, ["create", "configmap", "gone", "-n", "default", "--from-literal=a=1"]);
    const rvBefore = await k(kc, ["get", "configmap", "kept", "-n", "default", "-o", "jsonpath={.metadata.resourceVersion}"]);
    await k(kc, ["uncordon", undoneNode]);
    await k(kc, ["-n", "shop", "scale", "deployment/frontend", "--replicas=3"]);
    await k(kc, ["delete", "configmap", "gone", "-n", "default"]);
    await k(kc, ["patch", "configmap", "kept", "-n", "default", "--type=merge", "-p", '{"data":{"a":"2"}}']);
    const lastRv = Number(await k(kc, ["get", "configmap", "kept", "-n", "default", "-o", "jsonpath={.metadata.resourceVersion}"]));
    await killHard(s1.child);

    const s2 = await start(s1, { SANDBOX_SNAPSHOT_INTERVAL_S: "3600" });
    expect(await unschedulable(kc, undoneNode)).toBe("");
    expect(await unschedulable(kc, activeNode)).toBe("true");
    expect(await replicas(kc, "shop", "frontend")).toBe("3");
    expect(await replicas(kc, "shop", "cart")).toBe("0");
    expect(await k(kc, ["get", "configmap", "kept", "-n", "default", "-o", "jsonpath={.data.a}"])).toBe("2");
    const gone = await kubectl(KUBECTL, kc, ["get", "configmap", "gone", "-n", "default"]);
    expect(gone.stderr).toContain("NotFound");
    // The controllers carry on from the restored state: frontend gets its pods back.
    await eventually(async () => (await k(kc, ["-n", "shop", "get", "deployment", "frontend", "-o", "jsonpath={.status.readyReplicas}"])) === "3", 300, 200);
    // The new pods got addresses of their own, not ones the restored pods hold.
    const pods = JSON.parse(await k(kc, ["get", "pods", "-A", "-o", "json"])) as { items: { spec: { hostNetwork?: boolean }; status: { podIP?: string } }[] };
    const ips = pods.items.filter((p) => !p.spec.hostNetwork && p.status.podIP).map((p) => p.status.podIP);
    expect(ips.length).toBeGreaterThan(10);
    expect(new Set(ips).size).toBe(ips.length);

    // resourceVersions keep growing across the restart; a watch from a version the journal
    // replayed resumes, one from before the last snapshot is 410 Gone as after a compaction.
    const caPem = readFileSync(path.join(s1.dataDir, "ca.crt"), "utf8");
    await k(kc, ["patch", "configmap", "kept", "-n", "default", "--type=merge", "-p", '{"data":{"a":"3"}}']);
    expect(Number(await k(kc, ["get", "configmap", "kept", "-n", "default", "-o", "jsonpath={.metadata.resourceVersion}"]))).toBeGreaterThan(lastRv);
    const resumed = await watchFrom(c, caPem, "/api/v1/namespaces/default/configmaps", rvBefore);
    expect(resumed.filter((e) => e.type !== "BOOKMARK").map((e) => `${e.type} ${e.name}`)).toEqual(["ADDED gone", "DELETED gone", "MODIFIED kept", "MODIFIED kept"]);
    const expired = await watchFrom(c, caPem, "/api/v1/namespaces/default/configmaps", "2");
    expect(expired).toEqual([{ type: "ERROR", name: undefined, code: 410 }]);
    await killHard(s2.child);
  });

  it("loses none of the writes answered when it is killed in the middle of a burst of concurrent writes", { timeout: 240_000 }, async () => {
    const s1 = await start();
    const c = await s1.admin.createCluster({ seed: "empty", limits: { requestsPerSecond: 100_000, requestBurst: 100_000 } });
    const caPem = readFileSync(path.join(s1.dataDir, "ca.crt"), "utf8");
    const agent = new https.Agent({ keepAlive: true, maxSockets: 32 });
    const acked: string[] = [];
    let killed = false;
    const create = (name: string) =>
      new Promise<void>((resolve) => {
        const req = https.request(
          `${c.server}/api/v1/namespaces/default/configmaps`,
          { method: "POST", agent, ca: caPem, headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" } },
          (res) => {
            res.resume();
            res.on("end", () => {
              if (res.statusCode === 201) acked.push(name);
              resolve();
            });
            res.on("error", () => resolve());
          },
        );
        // A request cut off by the kill is not acknowledged.
        req.on("error", () => resolve());
        req.end(JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { n: name } }));
      });
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (!killed && next < 2000) {
          await create(`burst-${next++}`);
          if (acked.length >= 300 && !killed) {
            killed = true;
            s1.child.kill("SIGKILL");
          }
        }
      }),
    );
    agent.destroy();
    await killHard(s1.child);
    expect(acked.length).toBeGreaterThanOrEqual(300);

    const s2 = await start(s1);
    const kc = kubeconfigOf(c);
    const names = new Set((await k(kc, ["get", "configmaps", "-n", "default", "-o", "jsonpath={.items[*].metadata.name}"])).split(" "));
    expect(acked.filter((n) => !names.has(n))).toEqual([]);
    await killHard(s2.child);
  });

  it("ignores a torn record at the end of the journal (a crash in the middle of an append)", { timeout: 180_000 }, async () => {
    const s1 = await start();
    const c = await s1.admin.createCluster({ seed: "empty" });
    const kc = kubeconfigOf(c);
    for (const n of ["one", "two", "three"]) await k(kc, ["create", "configmap", n, "-n", "default"]);
    await killHard(s1.child);
    // What a crash halfway through the next append leaves: a frame cut short after its header.
    const segs = segments(s1.dataDir);
    const last = path.join(s1.dataDir, "journal", segs.at(-1)!);
    const torn = frame(Buffer.from(JSON.stringify({ s: 999_999, k: "drop", c: c.id })));
    appendFileSync(last, torn.subarray(0, torn.length - 7));

    const s2 = await start(s1);
    expect(await k(kc, ["get", "configmaps", "-n", "default", "-o", "jsonpath={.items[*].metadata.name}"])).toBe("kube-root-ca.crt one three two");
    // The torn tail was dropped with the segments the start-up snapshot covers; writes go on.
    await k(kc, ["create", "configmap", "four", "-n", "default"]);
    await killHard(s2.child);
    const s3 = await start(s1);
    expect(await k(kc, ["get", "configmaps", "-n", "default", "-o", "jsonpath={.items[*].metadata.name}"])).toBe("four kube-root-ca.crt one three two");
    await killHard(s3.child);
  });

  it("compacts the journal into snapshots and restores from a snapshot plus the journal after it", { timeout: 180_000 }, async () => {
    const s1 = await start(undefined, { SANDBOX_SNAPSHOT_INTERVAL_S: "1" });
    const c = await s1.admin.createCluster({ seed: "empty" });
    const kc = kubeconfigOf(c);
    await k(kc, ["create", "configmap", "before-snapshot", "-n", "default"]);
    const snapFile = path.join(s1.dataDir, "snapshot.ndjson");
    const snapSeq = () => (existsSync(snapFile) ? (JSON.parse(readFileSync(snapFile, "utf8").split("\n")[0]!) as { snapshot: { seq: number } }).snapshot.seq : 0);
    await eventually(async () => readFileSync(snapFile, "utf8").includes("before-snapshot"), 300, 100);
    const covered = snapSeq();
    expect(covered).toBeGreaterThan(0);
    // Every segment left begins after what the snapshot holds.
    for (const f of segments(s1.dataDir)) expect(Number(f.slice(0, 16))).toBeGreaterThan(covered);
    await k(kc, ["create", "configmap", "after-snapshot", "-n", "default"]);
    await k(kc, ["label", "configmap", "before-snapshot", "-n", "default", "changed=yes"]);
    await killHard(s1.child);

    const s2 = await start(s1);
    expect(await k(kc, ["get", "configmaps", "-n", "default", "-l", "changed=yes", "-o", "jsonpath={.items[*].metadata.name}"])).toBe("before-snapshot");
    expect(await k(kc, ["get", "configmap", "after-snapshot", "-n", "default", "-o", "name"])).toBe("configmap/after-snapshot");
    await stopGracefully(s2.child);
    // A graceful stop leaves a snapshot holding everything and no journal to replay.
    const s3 = await start(s1);
    expect(await k(kc, ["get", "configmaps", "-n", "default", "-o", "jsonpath={.items[*].metadata.name}"])).toBe("after-snapshot before-snapshot kube-root-ca.crt");
    await killHard(s3.child);
  });

  it("keeps the clusters created, the ones deleted gone, and their network rules (the trial pool's lifecycle)", { timeout: 180_000 }, async () => {
    const s1 = await start();
    const trialLimits = { maxObjects: 400, maxBytes: 16 * 1024 * 1024, maxWatches: 20, requestsPerSecond: 50, requestBurst: 100 };
    const made = await Promise.all([0, 1, 2].map(() => s1.admin.createCluster({ seed: "demo", limits: trialLimits })));
    await s1.admin.deleteCluster(made[1]!.id);
    await s1.admin.setNetwork(made[2]!.id, [{ from: "zone=zone-a", to: "zone=zone-b", partition: true }]);
    await killHard(s1.child);

    const s2 = await start(s1);
    const ids = (await s2.admin.listClusters()).map((x) => x.id);
    expect(ids).toContain(made[0]!.id);
    expect(ids).toContain(made[2]!.id);
    expect(ids).not.toContain(made[1]!.id);
    // Their tokens still open them.
    const kc = kubeconfigOf(made[0]!);
    expect((await k(kc, ["get", "namespaces", "-o", "name"])).split("\n")).toContain("namespace/shop");
    const net = (await (await fetch(`${s2.adminUrl}/clusters/${made[2]!.id}/network`, { headers: { authorization: `Bearer ${s2.adminToken}` } })).json()) as { rules: unknown[] };
    expect(net.rules).toEqual([{ from: "zone=zone-a", to: "zone=zone-b", partition: true }]);
    await killHard(s2.child);
  });
});
