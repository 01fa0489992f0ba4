import type { CheckContext } from "@/lib/checks";
import { clientForCluster, type ClusterConnection } from "@/lib/clusters";
import { createLogger } from "@/lib/log";
import { prometheusOf } from "@/lib/teams/prometheus";
import { experimentSettings } from "./settings";

const log = createLogger("experiments");

/**
 * What an experiment's checks may reach: the cluster's guarded client (the one factory of
 * lib/clusters) and the team's Prometheus when it has one. A cluster that cannot be reached or
 * a Prometheus that cannot be unsealed leaves that part out: its checks then end in error with
 * a sentence, rather than the whole evaluation failing.
 */
export async function checkContextFor(teamId: string, cluster: ClusterConnection): Promise<CheckContext> {
  const [client, prometheus] = await Promise.all([
    clientForCluster(cluster).catch((err: Error) => {
      log.warn({ clusterId: cluster.id, err: err.message }, "cluster client for checks unavailable");
      return undefined;
    }),
    prometheusOf(teamId).catch((err: Error) => {
      log.warn({ teamId, err: err.message }, "the team's Prometheus could not be opened");
      return null;
    }),
  ]);
  return { client, prometheus: prometheus ?? undefined, timeoutMs: experimentSettings().EXPERIMENT_CHECK_TIMEOUT_MS };
}
