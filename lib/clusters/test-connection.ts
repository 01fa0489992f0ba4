import { createKubeClient, probeCluster, type ValidatedKubeconfig } from "@/lib/kube";
import { failureStatus, type ClusterCheck } from "./check-cluster";

/**
 * "Test connection" for credentials that are not stored yet: the same guarded client and probe
 * as a stored cluster (address rules, timeouts), asked once and closed.
 */
export async function testConnection(config: ValidatedKubeconfig): Promise<ClusterCheck> {
  let client: ReturnType<typeof createKubeClient> | undefined;
  try {
    client = createKubeClient({ kind: "kubeconfig", config });
    return { ok: true, probe: await probeCluster(client) };
  } catch (err) {
    return { ok: false, ...failureStatus(err) };
  } finally {
    client?.close();
  }
}
