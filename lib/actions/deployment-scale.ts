import { z } from "zod";
import { RunRefusedError } from "./errors";
import { isNotFound } from "./kube-errors";
import { durationSecondsParam, namespaceParam, objectNameParam } from "./param-schemas";
import { mergePatch, performUndo } from "./undo";
import { defineAction } from "./types";
import { plural } from "@/lib/text";

const params = z
  .object({
    namespace: namespaceParam,
    name: objectNameParam.describe("Deployment"),
    replicas: z.number().int().min(0).max(10_000).default(0).describe("Scale to"),
    durationSeconds: durationSecondsParam("Restore after (seconds)", 300),
  })
  .strict();

/** Scales a Deployment down for a while; the worker restores the previous count when due. */
export const deploymentScale = defineAction({
  id: "deployment-scale",
  title: "Scale a deployment down",
  description: "Scales a Deployment to a given number of replicas for a duration, then restores the previous count.",
  params,
  permissions: ["get deployments", "patch deployments/scale"],
  async plan(ctx, p) {
    let current: number;
    try {
      const scale = await ctx.kube.apps.readNamespacedDeploymentScale({ name: p.name, namespace: p.namespace });
      current = scale.spec?.replicas ?? 0;
    } catch (err) {
      if (isNotFound(err)) throw new RunRefusedError("not-found", `No deployment ${p.name} in ${p.namespace}`);
      throw err;
    }
    if (current <= p.replicas) {
      throw new RunRefusedError("empty-selection", `${p.namespace}/${p.name} has ${plural(current, "replica")}: nothing to scale down to ${p.replicas}`);
    }
    return {
      targets: [{ kind: "Deployment", namespace: p.namespace, name: p.name }],
      summary: `scale ${p.namespace}/${p.name} from ${current} to ${p.replicas} for ${p.durationSeconds}s`,
      detail: { from: current, to: p.replicas },
    };
  },
  async execute(ctx, p, plan) {
    const target = plan.targets[0]!;
    // The count to restore is read now, not taken from the plan: it may have changed since.
    const scale = await ctx.kube.apps.readNamespacedDeploymentScale({ name: p.name, namespace: p.namespace });
    const previous = scale.spec?.replicas ?? 0;
    await ctx.step(
      `scale ${p.namespace}/${p.name} to ${p.replicas}`,
      target,
      async () => {
        await ctx.kube.apps.patchNamespacedDeploymentScale(
          { name: p.name, namespace: p.namespace, body: { spec: { replicas: p.replicas } } },
          mergePatch(),
        );
        return { replicas: p.replicas };
      },
      {
        undo: { kind: "restore-replicas", namespace: p.namespace, name: p.name, replicas: previous },
        undoAfterMs: p.durationSeconds * 1000,
        before: { replicas: previous },
        retries: 2,
      },
    );
    ctx.log(`scaled ${p.namespace}/${p.name} from ${previous} to ${p.replicas}; restoring after ${p.durationSeconds}s`);
    ctx.progress(100);
    return { previous, replicas: p.replicas, durationSeconds: p.durationSeconds };
  },
  rollback: performUndo,
});
