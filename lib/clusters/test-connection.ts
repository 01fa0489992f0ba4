import { hit, throttleMessage, type Limit } from "@/lib/auth/throttle";
import { createKubeClient, probeCluster, type ValidatedKubeconfig } from "@/lib/kube";
import type { TeamContext } from "@/lib/tenancy";
import { failureStatus, type ClusterCheck } from "./check-cluster";
import { ClusterError } from "./cluster-error";

// A connection test makes this server connect to an address the uploader chose. Within the
// address rules that is allowed, but unbounded it would let an admin scan what the rules allow:
// fixed windows per person and per team keep it to what fixing one kubeconfig needs.
export const CONNECTION_TESTS_PER_USER: Limit = { bucket: "cluster-test:user", max: 20, windowSeconds: 600 };
export const CONNECTION_TESTS_PER_TEAM: Limit = { bucket: "cluster-test:team", max: 60, windowSeconds: 600 };

/**
 * Counts one connection test against the person (or API token) and the team; throws
 * ClusterError("rate-limited") with the time to wait when either is over its limit.
 */
export async function limitConnectionTests(ctx: TeamContext): Promise<void> {
  const subject = ctx.user?.id ?? ctx.tokenId ?? "unknown";
  // Without Redis the limit cannot be checked; refusing is safer than testing unthrottled.
  const results = await Promise.all([hit(CONNECTION_TESTS_PER_USER, subject), hit(CONNECTION_TESTS_PER_TEAM, ctx.team.id)]).catch(() => null);
  if (!results) throw new ClusterError("rate-limited", "Connection tests are unavailable right now. Try again in a minute.");
  const refused = results.filter((r) => !r.allowed);
  if (refused.length > 0) {
    throw new ClusterError("rate-limited", throttleMessage(Math.max(...refused.map((r) => r.retryAfterSeconds)), "connection test"));
  }
}

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
