import { z } from "zod";
import { RunRefusedError } from "./errors";
import { durationSecondsParam, exactlyOneNodeSelection, nodeSelectionShape } from "./param-schemas";
import { describeNodes, nodeTarget, selectNodes } from "./select";
import { performUndo, setUnschedulable } from "./undo";
import { defineAction, type ActionContext, type Plan } from "./types";

const params = z
  .object({
    ...nodeSelectionShape,
    maxNodes: z.number().int().min(1).max(1000).default(1).describe("Most nodes at once"),
    durationSeconds: durationSecondsParam("Uncordon after (seconds)", 300),
  })
  .strict()
  .superRefine(exactlyOneNodeSelection);

type NodeParams = { nodeName?: string; labelSelector?: string; maxNodes: number };

/** Schedulable nodes of the selection, at most maxNodes; shared with the drain. */
export async function planNodes(ctx: { kube: ActionContext["kube"] }, p: NodeParams, verb: string): Promise<Plan> {
  const nodes = await selectNodes(ctx.kube, p);
  const schedulable = nodes.filter((n) => n.spec?.unschedulable !== true).map((n) => n.metadata?.name ?? "");
  const skipped = nodes.filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata?.name ?? "");
  if (schedulable.length === 0) {
    throw new RunRefusedError("empty-selection", `Every one of the ${describeNodes(p)} is already cordoned`);
  }
  const chosen = schedulable.slice(0, p.maxNodes);
  return {
    targets: chosen.map(nodeTarget),
    summary: `${verb} ${chosen.join(", ")}`,
    detail: { alreadyCordoned: skipped, leftOut: schedulable.slice(p.maxNodes) },
  };
}

/** Cordons one node as a recorded step whose undo (uncordon) is due after the duration. */
export async function cordonStep(ctx: ActionContext, node: string, durationSeconds: number): Promise<void> {
  await ctx.step(
    `cordon node ${node}`,
    nodeTarget(node),
    // What the step leaves is the node's new state (Before/After on the run page), not a flag.
    async () => {
      await setUnschedulable(ctx.kube, node, true);
      return { unschedulable: true };
    },
    // A cordon is idempotent: repeating it leaves the same node state.
    { undo: { kind: "uncordon", node }, undoAfterMs: durationSeconds * 1000, before: { unschedulable: false }, retries: 2 },
  );
}

/** Marks nodes unschedulable for a while; the worker uncordons them when the time is up. */
export const nodeCordon = defineAction({
  id: "node-cordon",
  title: "Cordon nodes",
  description: "Marks nodes unschedulable for a duration, then makes them schedulable again. Running pods stay.",
  params,
  permissions: ["list nodes", "patch nodes"],
  plan: (ctx, p) => planNodes(ctx, p, "cordon"),
  async execute(ctx, p, plan) {
    const nodes = plan.targets.map((t) => t.name);
    for (const [i, node] of nodes.entries()) {
      await cordonStep(ctx, node, p.durationSeconds);
      ctx.progress(((i + 1) / nodes.length) * 100);
    }
    ctx.log(`cordoned ${nodes.join(", ")} for ${p.durationSeconds}s`);
    return { cordoned: nodes, durationSeconds: p.durationSeconds };
  },
  rollback: performUndo,
});
