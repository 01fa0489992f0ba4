import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import { RunAbortedError } from "./errors";
import { evictPod } from "./evict-pod";
import { describeKubeError } from "./kube-errors";
import { cordonStep, planNodes } from "./node-cordon";
import { durationSecondsParam, exactlyOneNodeSelection, nodeSelectionShape } from "./param-schemas";
import { heldByBudgets, whyNotEvicted } from "./drain-budgets";
import { isLive, podTarget } from "./select";
import { performUndo } from "./undo";
import { defineAction, type ActionKube, type Target } from "./types";
import { plural } from "@/lib/text";

const params = z
  .object({
    ...nodeSelectionShape,
    maxNodes: z.number().int().min(1).max(100).default(1).describe("Most nodes at once"),
    evictionTimeoutSeconds: z.number().int().min(1).max(3600).default(120).describe("Eviction timeout (seconds)"),
    durationSeconds: durationSecondsParam("Uncordon after (seconds)", 300),
  })
  .strict()
  .superRefine(exactlyOneNodeSelection);

// As `kubectl drain --ignore-daemonsets`: DaemonSet pods would come straight back, and
// static (mirror) pods cannot be evicted.
function evictable(pod: V1Pod, guarded: ReadonlySet<string>): boolean {
  return isLive(pod) && whyNotEvicted(pod, guarded) === null;
}

async function podsOn(kube: ActionKube, node: string): Promise<V1Pod[]> {
  return (await kube.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
}

/** Cordons nodes, evicts their pods honouring PodDisruptionBudgets, uncordons after a duration. */
export const nodeDrain = defineAction({
  id: "node-drain",
  title: "Drain nodes",
  description:
    "Cordons nodes and evicts their pods through the eviction API, which respects PodDisruptionBudgets " +
    "(blocked evictions back off until a timeout). The nodes are uncordoned after the duration, and at once if the run fails.",
  params,
  permissions: ["list nodes", "patch nodes", "list pods", "create pods/eviction"],
  async plan(ctx, p) {
    const plan = await planNodes(ctx, p, "drain");
    const chosen: V1Pod[] = [];
    const notEvicted: string[] = [];
    for (const t of plan.targets) {
      for (const pod of (await podsOn(ctx.kube, t.name)).filter(isLive)) {
        const why = whyNotEvicted(pod, ctx.protectedNamespaces);
        if (why) notEvicted.push(`${pod.metadata?.namespace}/${pod.metadata?.name} (${why})`);
        else chosen.push(pod);
      }
    }
    const held = await heldByBudgets(ctx.kube, chosen);
    const pods: Target[] = chosen.map(podTarget);
    return {
      targets: [...plan.targets, ...pods],
      summary: `${plan.summary}: evict ${plural(pods.length, "pod")}, uncordon after ${p.durationSeconds}s${held.length ? `; ${plural(held.length, "eviction")} held by a PodDisruptionBudget` : ""}`,
      detail: { ...plan.detail, notEvicted, heldByDisruptionBudget: held },
    };
  },
  async execute(ctx, p, plan) {
    const nodes = plan.targets.filter((t) => t.kind === "Node").map((t) => t.name);
    const deadline = Date.now() + p.evictionTimeoutSeconds * 1000;
    let evicted = 0;
    for (const [i, node] of nodes.entries()) {
      await cordonStep(ctx, node, p.durationSeconds);
      // Read again: pods may have come or gone since the plan.
      const pods = (await podsOn(ctx.kube, node)).filter((pod) => evictable(pod, ctx.protectedNamespaces)).map(podTarget);
      // Every eviction is waited for (none keeps retrying behind a failed run), then the
      // failures are told once, each pod named once.
      const settled = await Promise.allSettled(
        pods.map((pod) =>
          ctx.step(`evict pod ${pod.namespace}/${pod.name}`, pod, (signal) => evictPod(ctx, pod, deadline, signal), {
            timeoutMs: p.evictionTimeoutSeconds * 1000 + 10_000,
          }),
        ),
      );
      const failed = settled.flatMap((r, j) => (r.status === "rejected" ? [{ pod: pods[j]!, err: r.reason as unknown }] : []));
      if (failed.length > 0) {
        const first = failed[0]!.err;
        if (first instanceof RunAbortedError || ctx.signal.aborted) throw first;
        // "eviction of shop/cart-1 held by a PodDisruptionBudget …" → "shop/cart-1 (held by a PodDisruptionBudget …)"
        const names = failed.map(({ pod, err }) => {
          const name = `${pod.namespace}/${pod.name}`;
          const why = describeKubeError(err).replace(`eviction of ${name} `, "");
          return `${name} (${why})`;
        });
        throw new Error(`node ${node}: ${failed.length} of ${plural(pods.length, "pod")} not evicted: ${names.join("; ")}`);
      }
      const results = settled.map((r) => (r as PromiseFulfilledResult<{ evicted: boolean }>).value);
      evicted += results.filter((r) => r.evicted).length;
      ctx.log(`node ${node} drained: ${plural(results.length, "pod")} evicted`);
      ctx.progress(((i + 1) / nodes.length) * 100);
    }
    return { drained: nodes, evicted, durationSeconds: p.durationSeconds };
  },
  rollback: performUndo,
});
