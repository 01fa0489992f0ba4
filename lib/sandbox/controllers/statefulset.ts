import type { ClusterContext } from "../context";
import { createObject, deleteObject } from "../objects";
import { shortHash } from "../names";
import { POD, STATEFULSET } from "../resources";
import type { KObject } from "../types";
import { claimVolumes } from "./statefulset-claims";
import { isActive, isReady, owned, podFromTemplate, specOf, writeStatus, type Obj } from "./util";

const ordinal = (p: KObject) => Number(p.metadata.name!.slice(p.metadata.name!.lastIndexOf("-") + 1));

/** Pods name-0..N-1, created in order (each after the previous is ready unless Parallel), removed from the top. */
export function reconcileStatefulSet(ctx: ClusterContext, sts: KObject) {
  if (sts.metadata.deletionTimestamp) return;
  const ns = sts.metadata.namespace!;
  const name = sts.metadata.name!;
  const spec = specOf(sts);
  const desired = Number(spec.replicas ?? 1);
  const parallel = spec.podManagementPolicy === "Parallel";
  const template = (spec.template ?? {}) as Obj;
  const rev = `${name}-${shortHash(JSON.stringify(template))}`;
  const pods = owned(ctx, sts, "Pod");
  const byOrd = new Map(pods.map((p) => [ordinal(p), p]));
  const active = pods.filter(isActive);
  const allReady = active.every(isReady);
  let acted = false;
  for (let i = 0; i < desired && !acted; i++) {
    const p = byOrd.get(i);
    if (p) {
      if (!isReady(p) && !parallel) acted = true;
      continue;
    }
    if (!parallel && !allReady) break;
    const pod = podFromTemplate(sts, STATEFULSET, template, `${name}-${i}`, {
      "controller-revision-hash": rev,
      "statefulset.kubernetes.io/pod-name": `${name}-${i}`,
      "apps.kubernetes.io/pod-index": String(i),
    });
    const ps = pod.spec as Obj;
    ps.hostname = `${name}-${i}`;
    if (spec.serviceName) ps.subdomain = spec.serviceName;
    claimVolumes(ctx, sts, spec, pod);
    createObject(ctx, POD, ns, pod);
    ctx.event(sts, "Normal", "SuccessfulCreate", `create Pod ${name}-${i} in StatefulSet ${name} successful`, "statefulset-controller");
    if (!parallel) acted = true;
  }
  const extra = active.filter((p) => ordinal(p) >= desired).sort((a, b) => ordinal(b) - ordinal(a));
  for (const p of parallel ? extra : extra.slice(0, 1)) {
    deleteObject(ctx, POD, ns, p.metadata.name!);
    ctx.event(sts, "Normal", "SuccessfulDelete", `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`, "statefulset-controller");
  }
  if (extra.length === 0 && allReady) {
    const outdated = active.filter((p) => p.metadata.labels?.["controller-revision-hash"] !== rev).sort((a, b) => ordinal(b) - ordinal(a));
    if (outdated[0]) deleteObject(ctx, POD, ns, outdated[0].metadata.name!);
  }
  const live = owned(ctx, sts, "Pod").filter(isActive);
  const ready = live.filter(isReady).length;
  const updated = live.filter((p) => p.metadata.labels?.["controller-revision-hash"] === rev).length;
  writeStatus(ctx, STATEFULSET, sts, {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: live.length,
    readyReplicas: ready,
    currentReplicas: updated,
    updatedReplicas: updated,
    availableReplicas: ready,
    currentRevision: rev,
    updateRevision: rev,
    collisionCount: 0,
  });
}
