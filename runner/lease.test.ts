// The runner's Kubernetes lease source against a real API (the sandbox): it sees renewals, a
// released or deleted lease, a lease left to lapse, and a token that may not read it.
import { CoordinationV1Api, type V1Lease } from "@kubernetes/client-node";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubeClient, type KubeClient } from "@/lib/kube";
import { SandboxAdminClient, type SandboxServer, startSandboxServer } from "@/lib/sandbox";
import { KubernetesLeaseSource, LeaseWatch } from "./lease";

let sandbox: SandboxServer;
let cluster: { server: string; token: string };
let client: KubeClient;
let leases: CoordinationV1Api;

beforeAll(async () => {
  sandbox = await startSandboxServer({ port: 0, adminPort: 0, dataDir: null, host: "127.0.0.1" });
  cluster = await new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken).createCluster({
    seed: "demo",
  });
  client = createKubeClient({
    kind: "sandbox",
    server: cluster.server,
    caPem: sandbox.caPem,
    token: cluster.token,
  });
  leases = client.makeApiClient(CoordinationV1Api);
});
afterAll(async () => {
  client?.close();
  await sandbox?.close();
});

const lease = (name: string, holder: string | null): V1Lease => ({
  metadata: { name, namespace: "default" },
  spec: { holderIdentity: holder ?? undefined, renewTime: new Date(), leaseDurationSeconds: 1 },
});

async function renew(name: string, holder: string | null = "worker-1"): Promise<void> {
  const current = await leases.readNamespacedLease({ name, namespace: "default" });
  await leases.replaceNamespacedLease({
    name,
    namespace: "default",
    body: { ...current, spec: { ...lease(name, holder).spec } },
  });
}

const source = (name: string, token = cluster.token) =>
  new KubernetesLeaseSource({ server: cluster.server, namespace: "default", name, token, ca: sandbox.caPem });

describe("KubernetesLeaseSource", () => {
  it("reads the holder and renew time through the API, under the server's path prefix", async () => {
    await leases.createNamespacedLease({ namespace: "default", body: lease("fault-read", "worker-1") });
    const reading = await source("fault-read").read();
    expect(reading).toMatchObject({ state: "held", holder: "worker-1", durationSeconds: 1 });
    const url = new URL(cluster.server);
    expect(source("fault-read").exemptions).toEqual([{ address: "127.0.0.1", port: Number(url.port) }]);
  });

  it("keeps a fault while renewals are seen and ends it when they stop", async () => {
    await leases.createNamespacedLease({ namespace: "default", body: lease("fault-lapse", "worker-1") });
    const watch = new LeaseWatch(source("fault-lapse"));
    for (let i = 0; i < 4; i++) {
      await renew("fault-lapse");
      expect(await watch.check()).toEqual({ ok: true });
      await sleep(400);
    }
    await sleep(1_200);
    expect(await watch.check()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^lease lapsed: not renewed for \d/),
    });
  });

  it("ends a fault at once when the holder is cleared or the lease deleted (how an abort reaches it)", async () => {
    await leases.createNamespacedLease({ namespace: "default", body: lease("fault-abort", "worker-1") });
    const watch = new LeaseWatch(source("fault-abort"));
    expect(await watch.check()).toEqual({ ok: true });
    await renew("fault-abort", null);
    expect(await watch.check()).toEqual({ ok: false, reason: "lease released: the lease has no holder" });
    await leases.deleteNamespacedLease({ name: "fault-abort", namespace: "default" });
    expect(await watch.check()).toEqual({ ok: false, reason: "lease released: the lease was deleted" });
  });

  it("refuses to start on a lease it cannot read", async () => {
    await leases.createNamespacedLease({ namespace: "default", body: lease("fault-token", "worker-1") });
    const verdict = await new LeaseWatch(source("fault-token", "not-the-token")).check();
    expect(verdict).toEqual({
      ok: false,
      reason: "lease unreadable: Lease default/fault-token: the API server answered 401",
    });
  });
});
