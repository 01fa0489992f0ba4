import { z } from "zod";
import { ignoreNotFound } from "./kube-errors";
import { labelSelectorParam, namespaceParam } from "./param-schemas";
import { podKillConcern } from "./replica-share";
import { howMany, listLivePods, pickRandom, podTarget } from "./select";
import { refuseEmptyPodSelection } from "./explain-selection";
import { performUndo } from "./undo";
import { defineAction, type ActionContext, type Target } from "./types";
import { plural } from "@/lib/text";

const params = z
  .object({
    namespace: namespaceParam,
    labelSelector: labelSelectorParam,
    count: z.number().int().min(1).max(10_000).optional().describe("Pods to kill per round"),
    percentage: z.number().min(1).max(100).optional().describe("Or: percentage of matching pods per round"),
    gracePeriodSeconds: z.number().int().min(0).max(3600).default(0).describe("Grace period (seconds)"),
    repeat: z.number().int().min(1).max(100).default(1).describe("Rounds"),
    intervalSeconds: z.number().int().min(0).max(3600).default(30).describe("Seconds between rounds"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.count !== undefined && p.percentage !== undefined) {
      ctx.addIssue({ code: "custom", message: "Give a count or a percentage, not both.", path: ["percentage"] });
    }
  });

type Params = z.output<typeof params>;

async function choose(kube: ActionContext["kube"], p: Params, random?: () => number) {
  const pods = await listLivePods(kube, p.namespace, p.labelSelector);
  return { pods, chosen: pickRandom(pods, howMany(pods.length, p.count, p.percentage), random).map(podTarget) };
}

async function killRound(ctx: ActionContext, p: Params, targets: Target[], round: number): Promise<string[]> {
  const killed = await Promise.all(
    targets.map((t) =>
      // Deleting a pod that is already gone is the same outcome: safe to retry.
      ctx.step(`round ${round}: delete pod ${t.name}`, t, async () => {
        const gone = await ignoreNotFound(() =>
          ctx.kube.core.deleteNamespacedPod({ name: t.name, namespace: p.namespace, gracePeriodSeconds: p.gracePeriodSeconds }),
        );
        return { deleted: gone !== undefined };
      }, { retries: 2 }),
    ),
  );
  return targets.filter((_, i) => killed[i]?.deleted).map((t) => t.name);
}

/** Deletes pods chosen from a label selector, once or in rounds; their controllers heal them. */
export const podKill = defineAction({
  id: "pod-kill",
  title: "Kill pods",
  description:
    "Deletes a number or a percentage of the pods matching a label selector, optionally in several rounds. " +
    "Pods owned by a Deployment or StatefulSet come back; bare pods do not.",
  params,
  permissions: ["list pods", "delete pods"],
  async plan(ctx, p) {
    const { pods, chosen: targets } = await choose(ctx.kube, p, ctx.random);
    if (targets.length === 0) await refuseEmptyPodSelection(ctx.kube, p.namespace, p.labelSelector);
    const rounds = p.repeat > 1 ? `, ${p.repeat} rounds every ${p.intervalSeconds}s` : "";
    const concern = podKillConcern(pods, targets, p.count);
    return {
      targets,
      summary: `delete ${targets.length} of ${plural(pods.length, "matching pod")} (${p.labelSelector} in ${p.namespace})${rounds}`,
      ...(concern ? { confirmBecause: concern } : {}),
    };
  },
  async execute(ctx, p, plan) {
    const rounds: string[][] = [];
    for (let round = 1; round <= p.repeat; round++) {
      if (round > 1) await ctx.sleep(p.intervalSeconds * 1000);
      // Later rounds choose again: the pods of round one have been replaced.
      const targets = round === 1 ? plan.targets : (await choose(ctx.kube, p)).chosen;
      if (targets.length === 0) ctx.log(`round ${round}: no pod matches any more`, {}, "warn");
      const killed = await killRound(ctx, p, targets, round);
      ctx.log(`round ${round}: deleted ${plural(killed.length, "pod")}`, { pods: killed });
      rounds.push(killed);
      ctx.progress((round / p.repeat) * 100);
    }
    return { killed: rounds.flat().length, rounds };
  },
  rollback: performUndo,
});
