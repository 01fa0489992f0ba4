import { parse } from "yaml";
import { z } from "zod";
import { RunRefusedError, type ActionKube } from "@/lib/actions";
import type { Cluster } from "@/lib/db";
import { SandboxAdminClient } from "@/lib/sandbox/admin-client";
import { instrumentKube } from "./instrument-kube";
import { createKubeClient, openKubeconfig, type KubeTarget } from "@/lib/kube";
import { runSettings } from "./run-settings";

// Clients are reused for a while: building one per run would cost more than the run itself.
const CACHE_MS = 60_000;
const cache = new Map<string, { kube: ActionKube; until: number }>();

const sandboxKubeconfig = z.object({
  clusters: z.array(z.object({ cluster: z.object({ server: z.string().url(), "certificate-authority-data": z.string() }) })).min(1),
  users: z.array(z.object({ user: z.object({ token: z.string().min(1) }) })).min(1),
});

/** The connection of a sandbox cluster, from the sandbox's admin interface (internal network). */
async function sandboxTarget(sandboxClusterId: string): Promise<KubeTarget> {
  const s = runSettings();
  if (!s.SANDBOX_ADMIN_TOKEN) throw new RunRefusedError("cluster-unreachable", "The sandbox is not configured on this worker");
  const text = await new SandboxAdminClient(s.SANDBOX_ADMIN_URL, s.SANDBOX_ADMIN_TOKEN).getKubeconfig(sandboxClusterId);
  const kc = sandboxKubeconfig.parse(parse(text));
  return {
    kind: "sandbox",
    server: kc.clusters[0]!.cluster.server,
    caPem: Buffer.from(kc.clusters[0]!.cluster["certificate-authority-data"], "base64").toString("utf8"),
    token: kc.users[0]!.user.token,
  };
}

/**
 * The guarded, instrumented API client of a run's cluster. Every cluster access of lib/runs
 * and lib/actions goes through here.
 */
export async function kubeForCluster(
  cluster: Pick<Cluster, "id" | "kind" | "sandboxClusterId" | "updatedAt" | "kubeconfigCiphertext">,
): Promise<ActionKube> {
  const key = `${cluster.id}:${cluster.updatedAt.getTime()}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.kube;
  let target: KubeTarget;
  if (cluster.kind === "SANDBOX" && cluster.sandboxClusterId) {
    target = await sandboxTarget(cluster.sandboxClusterId);
  } else if (cluster.kubeconfigCiphertext) {
    target = { kind: "kubeconfig", config: openKubeconfig(cluster.kubeconfigCiphertext) };
  } else {
    throw new RunRefusedError("cluster-unreachable", "The cluster has no stored credentials");
  }
  // lib/kube's guarded factory: address checks for user clusters, timeouts, its own metrics.
  const kube: ActionKube = createKubeClient(target);
  const wrapped = instrumentKube(kube);
  cache.set(key, { kube: wrapped, until: Date.now() + CACHE_MS });
  return wrapped;
}

/** Forgets cached clients (tests that replace a cluster's server). */
export function forgetClusterClients(): void {
  cache.clear();
}
