import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { z } from "zod";
import { faultSpec } from "@/runner/spec";
import { releaseFault, removeRunner } from "./faults/runner-access";
import { ignoreNotFound } from "./kube-errors";
import type { ActionKube } from "./action-kube";

// Undo records are written to PostgreSQL before the change they reverse, and read back by any
// worker (maybe another build): they are plain data, validated on the way in and out.
const name = z.string().min(1).max(253);
export const undoSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("uncordon"), node: name }),
  z.object({ kind: z.literal("restore-replicas"), namespace: name, name, replicas: z.number().int().min(0) }),
  z.object({ kind: z.literal("delete-pods"), namespace: name, names: z.array(name) }),
  z.object({ kind: z.literal("delete-job"), namespace: name, name }),
  // A fault's runner in a pod: release its Lease (the runner removes the fault), then remove
  // its account; `cleanup` is the spec a `--cleanup` runner gets if the first one was killed.
  z.object({ kind: z.literal("release-fault"), namespace: name, pod: name, name }),
  // `image` is the runner image the run started (the team's or the installation's); records
  // written before teams could choose one have none and get the installation's.
  z.object({ kind: z.literal("remove-fault-runner"), namespace: name, pod: name, name, cleanup: faultSpec, image: z.string().max(255).optional() }),
]);

export type Undo = z.infer<typeof undoSchema>;

export const mergePatch = () => setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/** Sets a node's unschedulable flag (cordon / uncordon); returns the value it had before. */
export async function setUnschedulable(kube: ActionKube, node: string, value: boolean): Promise<boolean> {
  const before = await kube.core.readNode({ name: node });
  await kube.core.patchNode({ name: node, body: { spec: { unschedulable: value } } }, mergePatch());
  return before.spec?.unschedulable === true;
}

/** Carries out one undo record. Each kind is safe to repeat and treats a vanished object as done. */
export async function performUndo(kube: ActionKube, undo: Undo): Promise<void> {
  switch (undo.kind) {
    case "uncordon":
      await ignoreNotFound(() => kube.core.patchNode({ name: undo.node, body: { spec: { unschedulable: false } } }, mergePatch()));
      return;
    case "restore-replicas":
      await ignoreNotFound(() =>
        kube.apps.patchNamespacedDeploymentScale(
          { name: undo.name, namespace: undo.namespace, body: { spec: { replicas: undo.replicas } } },
          mergePatch(),
        ),
      );
      return;
    case "delete-pods":
      await Promise.all(
        undo.names.map((pod) =>
          ignoreNotFound(() => kube.core.deleteNamespacedPod({ name: pod, namespace: undo.namespace, gracePeriodSeconds: 0 })),
        ),
      );
      return;
    case "delete-job":
      await ignoreNotFound(() =>
        kube.batch.deleteNamespacedJob({ name: undo.name, namespace: undo.namespace, propagationPolicy: "Background" }),
      );
      return;
    case "release-fault":
      await releaseFault(kube, undo);
      return;
    case "remove-fault-runner":
      await removeRunner(kube, undo);
      return;
  }
}
