import type { Meta } from "./kube-json";

/** A pod's owning workload as people name it: a ReplicaSet's pods belong to its Deployment. */
export interface WorkloadRef {
  kind: string;
  name: string;
}

/**
 * The workload that owns a pod. A ReplicaSet created by a Deployment is named
 * `<deployment>-<pod-template-hash>`, and its pods carry that hash as a label, so the
 * Deployment is found without listing ReplicaSets. Bare pods are their own workload.
 */
export function workloadOf(meta: Meta): WorkloadRef {
  const owner = meta.ownerReferences?.find((o) => o.controller) ?? meta.ownerReferences?.[0];
  if (!owner) return { kind: "Pod", name: meta.name };
  const hash = meta.labels?.["pod-template-hash"];
  if (owner.kind === "ReplicaSet" && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: "Deployment", name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, name: owner.name };
}

/** The key of a workload within its namespace: "Deployment/cart". */
export const workloadKey = (w: WorkloadRef) => `${w.kind}/${w.name}`;
