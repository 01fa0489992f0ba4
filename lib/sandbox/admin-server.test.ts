import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SandboxAdminClient } from "./admin-client";
import { raw } from "./conformance/raw";
import { POD } from "./resources";
import { startSandboxServer } from "./server";

const dir = mkdtempSync(path.join(tmpdir(), "sandbox-admin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("admin interface", () => {
  it("creates, lists, describes and deletes clusters, and guards itself with its token", async () => {
    const s = await startSandboxServer({ port: 0, adminPort: 0, dataDir: null });
    try {
      const admin = new SandboxAdminClient(s.adminUrl, s.adminToken);
      const c = await admin.createCluster({ name: "trial", seed: "demo" });
      expect(c.server).toBe(`${s.apiUrl}/c/${c.id}`);
      expect(c.kubeconfig).toContain("certificate-authority-data:");
      expect(c.kubeconfig).toContain(c.token);
      expect((await admin.listClusters()).map((x) => x.name)).toEqual(["trial"]);
      expect((await admin.getCluster(c.id)).counts.pods).toBeGreaterThan(20);
      // The load Pystol places new clusters by: clusters and objects held, behind the token.
      const load = await admin.load();
      expect(load.clusters).toBe(1);
      expect(load.objects).toBeGreaterThan(20);
      await expect(new SandboxAdminClient(s.adminUrl, c.token).load()).rejects.toThrow(/401/);
      expect(await admin.getKubeconfig(c.id)).toContain(c.server);
      expect(await admin.getCredentials(c.id)).toEqual({ server: c.server, caPem: s.caPem, token: c.token });
      await expect(new SandboxAdminClient(s.adminUrl, c.token).listClusters()).rejects.toThrow(/401/);
      await expect(admin.createCluster({ seed: { nodes: -1, pods: 1 } } as never)).rejects.toThrow(/400/);
      await expect(admin.setNetwork(c.id, [{ from: "a", to: "b", latencyMs: -5 }])).rejects.toThrow(/400/);
      expect(await admin.setNetwork(c.id, [{ from: "zone=zone-a", to: "zone=zone-b", latencyMs: 40 }])).toHaveLength(1);
      const metrics = await fetch(`${s.adminUrl}/metrics`, { headers: { authorization: `Bearer ${s.adminToken}` } });
      expect(await metrics.text()).toContain("sandbox_clusters 1");
      await admin.deleteCluster(c.id);
      expect(await admin.listClusters()).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it("creates a cluster with a narrower token: denied resources answer 403, and no metrics.k8s.io", async () => {
    const s = await startSandboxServer({ port: 0, adminPort: 0, dataDir: null });
    try {
      const c = await new SandboxAdminClient(s.adminUrl, s.adminToken).createCluster({ seed: "demo", access: { deny: ["events"], metricsServer: false } });
      const get = (p: string) => raw(`${c.server}${p}`, s.caPem, c.token, "GET");
      const events = await get("/api/v1/namespaces/shop/events");
      expect(events.status).toBe(403);
      expect(events.json).toMatchObject({ reason: "Forbidden", message: expect.stringContaining('cannot list resource "events" in API group "" in the namespace "shop"') });
      expect((await get("/api/v1/pods")).status).toBe(200);
      expect((await get("/apis/metrics.k8s.io/v1beta1/nodes")).status).toBe(404);
      const groups = ((await get("/apis")).json as { groups: { name: string }[] }).groups.map((g) => g.name);
      expect(groups).toContain("apps");
      expect(groups).not.toContain("metrics.k8s.io");
      // Access reviews answer as the 403s do, so a permission probe sees the narrower token.
      const review = async (resource: string) => {
        const body = JSON.stringify({ spec: { resourceAttributes: { verb: "list", resource } } });
        const res = await raw(`${c.server}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, s.caPem, c.token, "POST", body);
        return (res.json as { status: { allowed: boolean } }).status.allowed;
      };
      expect(await review("events")).toBe(false);
      expect(await review("pods")).toBe(true);
      await expect(new SandboxAdminClient(s.adminUrl, s.adminToken).createCluster({ access: { deny: ["../x"] } })).rejects.toThrow(/400/);
      await expect(new SandboxAdminClient(s.adminUrl, s.adminToken).createCluster({ limits: { maxBytes: 10 } })).rejects.toThrow(/400.*limits\.maxBytes/);
      await expect(new SandboxAdminClient(s.adminUrl, s.adminToken).createCluster({ limits: { requestBurst: 0 } })).rejects.toThrow(/400.*limits\.requestBurst/);
    } finally {
      await s.close();
    }
  });

  it("keeps its CA, admin token and (with snapshots) its clusters across a restart", async () => {
    const a = await startSandboxServer({ port: 0, adminPort: 0, dataDir: dir, snapshot: true });
    const c = await new SandboxAdminClient(a.adminUrl, a.adminToken).createCluster({ name: "kept", seed: "demo", limits: { maxBytes: 8 * 1024 * 1024, maxWatches: 7, requestsPerSecond: 9, requestBurst: 11 } });
    await a.close();
    // Other defaults now: the cluster keeps the limits it was created with.
    const b = await startSandboxServer({ port: 0, adminPort: 0, dataDir: dir, snapshot: true, clusterDefaults: { maxBytes: 128 * 1024 * 1024, maxWatches: 1000 } });
    try {
      expect(b.caPem).toBe(a.caPem);
      expect(b.adminToken).toBe(a.adminToken);
      const again = b.manager.get(c.id)!;
      expect(again.token).toBe(c.token);
      expect(again.store.count(POD)).toBeGreaterThan(20);
      expect(again.store.total()).toBeGreaterThan(100);
      expect(again.opts).toMatchObject({ maxBytes: 8 * 1024 * 1024, maxWatches: 7, requestsPerSecond: 9, requestBurst: 11 });
      // Stored bytes are counted again from what was restored.
      expect(again.store.bytes).toBeGreaterThan(100_000);
    } finally {
      await b.close();
    }
  });
});
