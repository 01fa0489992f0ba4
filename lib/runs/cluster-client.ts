import { RunRefusedError, type ActionKube } from "@/lib/actions";
import { clientForCluster, type ClusterConnection } from "@/lib/clusters";
import { KubeAccessError } from "@/lib/kube";
import { instrumentKube } from "./instrument-kube";

const wrapped = new WeakMap<object, ActionKube>();

/**
 * The guarded client of a run's cluster (lib/clusters), instrumented with the run metrics.
 * Every cluster access of lib/runs and lib/actions goes through here.
 */
export async function kubeForCluster(cluster: ClusterConnection): Promise<ActionKube> {
  let client;
  try {
    client = await clientForCluster(cluster);
  } catch (err) {
    if (err instanceof KubeAccessError) throw new RunRefusedError("cluster-unreachable", err.message);
    throw err;
  }
  let kube = wrapped.get(client);
  if (!kube) {
    kube = instrumentKube(client);
    wrapped.set(client, kube);
  }
  return kube;
}
