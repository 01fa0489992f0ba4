import type { ClusterContext } from "../context";
import { createObject, deleteObject } from "../objects";
import { randomSuffix } from "../names";
import { POD, REPLICASET } from "../resources";
import type { KObject } from "../types";
import { isActive, isReady, owned, podFromTemplate, specOf, writeStatus, type Obj } from "./util";

/** Keep spec.replicas pods of a ReplicaSet; remove unready and newest pods first. */
export function reconcileReplicaSet(ctx: ClusterContext, rs: KObject) {
  if (rs.metadata.deletionTimestamp) return;
  const ns = rs.metadata.namespace!;
  const spec = specOf(rs);
  const desired = Number(spec.replicas ?? 1);
  const pods = owned(ctx, rs, "Pod").filter(isActive);
  if (pods.length < desired) {
    const n = desired - pods.length;
    for (let i = 0; i < n; i++) {
      const p = podFromTemplate(rs, REPLICASET, (spec.template ?? {}) as Obj, `${rs.metadata.name}-${randomSuffix()}`);
      const created = createObject(ctx, POD, ns, p);
      pods.push(created);
      ctx.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`, "replicaset-controller");
    }
  } else if (pods.length > desired) {
    const victims = [...pods]
      .sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""))
      .slice(0, pods.length - desired);
    for (const v of victims) {
      deleteObject(ctx, POD, ns, v.metadata.name!);
      ctx.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${v.metadata.name}`, "replicaset-controller");
    }
  }
  const live = owned(ctx, rs, "Pod").filter(isActive);
  const ready = live.filter(isReady).length;
  writeStatus(ctx, REPLICASET, rs, {
    replicas: live.length,
    fullyLabeledReplicas: live.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation ?? 1,
  });
}
