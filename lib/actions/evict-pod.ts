import { describeKubeError, statusOf } from "./kube-errors";
import type { ActionContext, Target } from "./types";

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;

/**
 * Evicts one pod through the eviction API, which honours PodDisruptionBudgets: a 429 means a
 * budget forbids it now, so it backs off and tries again until the deadline, then fails
 * naming the budget's refusal. A pod already gone counts as evicted.
 */
export async function evictPod(ctx: ActionContext, pod: Target, deadline: number, signal: AbortSignal): Promise<{ evicted: boolean; attempts: number }> {
  const namespace = pod.namespace ?? "default";
  let backoff = FIRST_BACKOFF_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.kube.core.createNamespacedPodEviction({
        name: pod.name,
        namespace,
        body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod.name, namespace } },
      });
      return { evicted: true, attempts: attempt };
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return { evicted: false, attempts: attempt };
      if (status !== 429) throw new Error(`eviction of ${namespace}/${pod.name} failed: ${describeKubeError(err)}`);
      // An eviction's 429 is a PodDisruptionBudget saying no, not the server throttling.
      if (attempt === 1) ctx.log(`eviction of ${namespace}/${pod.name} held by a PodDisruptionBudget; trying again until the eviction timeout`, {}, "warn");
      if (Date.now() + backoff > deadline || signal.aborted) {
        throw new Error(`eviction of ${namespace}/${pod.name} held by a PodDisruptionBudget until the eviction timeout (${attempt} attempts)`);
      }
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}
