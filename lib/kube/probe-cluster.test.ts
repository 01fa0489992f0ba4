import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxAdminClient, type SandboxServer, startSandboxServer } from "@/lib/sandbox";
import { createAddressPolicy } from "./address-guard";
import { createKubeClient, type KubeClient } from "./guarded-client";
import { parseKubeconfig } from "./parse-kubeconfig";
import { PROBED_PERMISSIONS, permissionKey, probeCluster } from "./probe-cluster";
import { type Listener, startListener, testTls } from "./testing/listener";

let sandbox: SandboxServer;
let cluster: { server: string; token: string; kubeconfig: string };
const clients: KubeClient[] = [];
const keep = (c: KubeClient) => (clients.push(c), c);

beforeAll(async () => {
  sandbox = await startSandboxServer({ port: 0, adminPort: 0, dataDir: null, host: "127.0.0.1" });
  cluster = await new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken).createCluster({
    seed: "demo",
  });
});
afterAll(async () => {
  clients.forEach((c) => c.close());
  await sandbox?.close();
});

describe("probeCluster against the sandbox", () => {
  it("through the trusted sandbox route", async () => {
    const client = keep(
      createKubeClient({
        kind: "sandbox",
        server: cluster.server,
        caPem: sandbox.caPem,
        token: cluster.token,
      }),
    );
    const probe = await probeCluster(client);
    expect(probe.version).toMatch(/^v1\.\d+/);
    expect(probe.nodeCount).toBeGreaterThan(0);
    expect(Object.keys(probe.permissions)).toEqual(PROBED_PERMISSIONS.map(permissionKey));
    expect(probe.permissions["delete pods"]).toBe(true);
    expect(probe.permissions["create pods/eviction"]).toBe(true);
  });

  it("takes a sandbox token that may do everything at its rules review's word, and asks each question of one that may not", async () => {
    const sandboxClient = (c: { server: string; token: string }, posts: string[]) =>
      keep(createKubeClient({ kind: "sandbox", server: c.server, caPem: sandbox.caPem, token: c.token }, { observe: (e) => e.method === "POST" && posts.push(e.method) }));
    const full: string[] = [];
    const all = await probeCluster(sandboxClient(cluster, full));
    expect(Object.values(all.permissions).every(Boolean)).toBe(true);
    expect(full).toHaveLength(1); // the rules review alone
    expect(all.rules).toMatchObject({ incomplete: false });

    const narrow = await new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken).createCluster({ seed: "demo", access: { deny: ["pods"] } });
    const asked: string[] = [];
    const some = await probeCluster(sandboxClient(narrow, asked));
    expect(asked).toHaveLength(1 + PROBED_PERMISSIONS.length);
    expect(some.permissions).toMatchObject({ "delete pods": false, "create pods/eviction": false, "get pods/log": false, "patch nodes": true, "patch deployments": true });
  });

  it("through its kubeconfig, uploaded, when the operator admits the address", async () => {
    const policy = createAddressPolicy(["127.0.0.0/8"]);
    const parsed = parseKubeconfig(cluster.kubeconfig, { policy });
    const client = keep(createKubeClient({ kind: "kubeconfig", config: parsed.config! }, { policy }));
    const probe = await probeCluster(client);
    expect(probe.namespace).toBe("default");
    expect(probe.nodeCount).toBeGreaterThan(0);
  });

  it("and not at all when the operator does not", async () => {
    const policy = createAddressPolicy([]);
    expect(() => parseKubeconfig(cluster.kubeconfig, { policy })).toThrow(/loopback/);
    // Even a config that skipped the parser cannot use the sandbox's internal route.
    const admitted = parseKubeconfig(cluster.kubeconfig, {
      policy: createAddressPolicy(["127.0.0.0/8"]),
    }).config!;
    const client = keep(
      createKubeClient({ kind: "kubeconfig", config: admitted }, { policy, observe: () => {} }),
    );
    await expect(probeCluster(client)).rejects.toMatchObject({ code: "address-refused" });
  });
});

describe("probeCluster with limited credentials", () => {
  let listener: Listener;
  beforeAll(async () => {
    listener = await startListener();
    listener.handle = (req, res) => {
      res.setHeader("content-type", "application/json");
      const send = (status: number, body: unknown) => (res.writeHead(status), res.end(JSON.stringify(body)));
      if (req.url === "/version") return send(200, { gitVersion: "v1.30.1", major: "1", minor: "30" });
      if (req.url?.startsWith("/api/v1/nodes"))
        return send(403, { kind: "Status", reason: "Forbidden", code: 403 });
      if (req.url?.includes("selfsubjectrulesreviews"))
        return send(404, { kind: "Status", reason: "NotFound", code: 404 });
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        const review = JSON.parse(raw) as { spec: { resourceAttributes: { verb: string } } };
        send(201, { ...review, status: { allowed: review.spec.resourceAttributes.verb === "list" } });
      });
    };
  });
  afterAll(() => listener.close());

  it("reports what is denied instead of failing", async () => {
    const config = {
      contextName: "c",
      namespace: "team-a",
      cluster: {
        name: "k",
        server: `https://127.0.0.1:${listener.port}`,
        caData: Buffer.from(testTls.caPem).toString("base64"),
      },
      user: { name: "u", token: "t0ken-value" },
    };
    const client = keep(
      createKubeClient(
        { kind: "kubeconfig", config },
        { policy: createAddressPolicy(["127.0.0.1/32"]), observe: () => {} },
      ),
    );
    const probe = await probeCluster(client);
    expect(probe).toMatchObject({ version: "v1.30.1", nodeCount: null, namespace: "team-a", rules: null });
    expect(probe.permissions["list pods"]).toBe(true);
    expect(probe.permissions["delete pods"]).toBe(false);
  });
});
