import type { ClusterContext } from "../context";
import { createObject, deleteObject } from "../objects";
import { shortHash } from "../names";
import { DEPLOYMENT, REPLICASET } from "../resources";
import type { KObject } from "../types";
import { condition, intOrPercent, mutate, owned, ownerRef, specOf, statusOf, writeStatus, type Obj } from "./util";

const REV = "deployment.kubernetes.io/revision";
const replicas = (rs: KObject) => Number(specOf(rs).replicas ?? 0);
const available = (rs: KObject) => Number(statusOf(rs).availableReplicas ?? 0);

function scaleRs(ctx: ClusterContext, d: KObject, rs: KObject, n: number) {
  if (replicas(rs) === n) return;
  const old = replicas(rs);
  mutate(ctx, REPLICASET, rs, (x) => {
    (x.spec as Obj).replicas = n;
    x.metadata.generation = (x.metadata.generation ?? 1) + 1;
  });
  ctx.event(d, "Normal", "ScalingReplicaSet", `Scaled ${n > old ? "up" : "down"} replica set ${rs.metadata.name} from ${old} to ${n}`, "deployment-controller");
}

/** Deployment → ReplicaSets: create the one of the current template, roll replicas over to it. */
export function reconcileDeployment(ctx: ClusterContext, d: KObject) {
  if (d.metadata.deletionTimestamp) return;
  const ns = d.metadata.namespace!;
  const spec = specOf(d);
  const desired = Number(spec.replicas ?? 1);
  const template = (spec.template ?? {}) as Obj;
  const hash = shortHash(JSON.stringify(template));
  const all = owned(ctx, d, "ReplicaSet");
  let newRs = all.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
  const olds = all.filter((rs) => rs !== newRs);
  const maxRev = Math.max(0, ...all.map((rs) => Number(rs.metadata.annotations?.[REV] ?? 0)));
  if (!newRs) {
    const tm = (template.metadata ?? {}) as { labels?: Record<string, string> };
    const sel = (spec.selector ?? {}) as { matchLabels?: Record<string, string> };
    newRs = createObject(ctx, REPLICASET, ns, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        labels: { ...(tm.labels ?? {}), "pod-template-hash": hash },
        annotations: { [REV]: String(maxRev + 1), "deployment.kubernetes.io/desired-replicas": String(desired), "deployment.kubernetes.io/max-replicas": String(desired + 1) },
        ownerReferences: [ownerRef(d, DEPLOYMENT)],
      },
      spec: {
        replicas: olds.some((o) => replicas(o) > 0) ? 0 : desired,
        selector: { ...sel, matchLabels: { ...(sel.matchLabels ?? {}), "pod-template-hash": hash } },
        template: { ...template, metadata: { ...(template.metadata as Obj), labels: { ...(tm.labels ?? {}), "pod-template-hash": hash } } },
      },
    });
    ctx.event(d, "Normal", "ScalingReplicaSet", `Scaled up replica set ${newRs.metadata.name} from 0 to ${replicas(newRs)}`, "deployment-controller");
  } else if (Number(newRs.metadata.annotations?.[REV] ?? 0) < maxRev) {
    newRs = mutate(ctx, REPLICASET, newRs, (x) => {
      x.metadata.annotations = { ...x.metadata.annotations, [REV]: String(maxRev + 1) };
    });
  }
  const strategy = (spec.strategy ?? {}) as { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
  let maxUnavailable = 0;
  if (strategy.type === "Recreate") {
    for (const o of olds) scaleRs(ctx, d, o, 0);
    const oldPods = olds.reduce((a, o) => a + Number(statusOf(o).replicas ?? 0), 0);
    if (oldPods === 0) scaleRs(ctx, d, newRs, desired);
  } else {
    let maxSurge = intOrPercent(strategy.rollingUpdate?.maxSurge ?? "25%", desired, true);
    maxUnavailable = intOrPercent(strategy.rollingUpdate?.maxUnavailable ?? "25%", desired, false);
    if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
    const total = all.reduce((a, rs) => a + replicas(rs), 0) + (all.includes(newRs) ? 0 : replicas(newRs));
    if (replicas(newRs) > desired) scaleRs(ctx, d, newRs, desired);
    else if (replicas(newRs) < desired) {
      const room = desired + maxSurge - total;
      if (room > 0) scaleRs(ctx, d, newRs, Math.min(desired, replicas(newRs) + room));
    }
    const fresh = ctx.store.get(REPLICASET, ns, newRs.metadata.name!) ?? newRs;
    const allPods = olds.reduce((a, o) => a + replicas(o), 0) + replicas(fresh);
    const newUnavailable = Math.max(0, replicas(fresh) - available(fresh));
    let canDown = allPods - (desired - maxUnavailable) - newUnavailable;
    for (const o of [...olds].sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""))) {
      if (replicas(o) === 0) continue;
      // Old pods that are not available can always go: they serve nothing.
      const unavailableOld = Math.max(0, replicas(o) - available(o));
      const take = Math.min(replicas(o), Math.max(0, canDown) + unavailableOld);
      if (take > 0) {
        scaleRs(ctx, d, o, replicas(o) - take);
        canDown -= Math.max(0, take - unavailableOld);
      }
    }
  }
  const limit = Number(spec.revisionHistoryLimit ?? 10);
  const idle = olds.filter((o) => replicas(o) === 0 && Number(statusOf(o).replicas ?? 0) === 0);
  for (const o of idle.slice(0, Math.max(0, idle.length - limit))) deleteObject(ctx, REPLICASET, ns, o.metadata.name!);

  const rsNow = owned(ctx, d, "ReplicaSet");
  const cur = rsNow.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
  const sum = (f: (rs: KObject) => number) => rsNow.reduce((a, rs) => a + f(rs), 0);
  const st = statusOf(d);
  const prevConds = (st.conditions ?? []) as Obj[];
  const avail = sum((rs) => Number(statusOf(rs).availableReplicas ?? 0));
  const updated = cur ? Number(statusOf(cur).replicas ?? 0) : 0;
  const statusReplicas = sum((rs) => Number(statusOf(rs).replicas ?? 0));
  const complete = updated === desired && statusReplicas === desired && avail >= desired && cur && Number(statusOf(cur).availableReplicas ?? 0) === desired;
  const rev = cur?.metadata.annotations?.[REV];
  if (rev && d.metadata.annotations?.[REV] !== rev) {
    d = mutate(ctx, DEPLOYMENT, d, (x) => {
      x.metadata.annotations = { ...x.metadata.annotations, [REV]: rev };
    });
  }
  writeStatus(ctx, DEPLOYMENT, d, {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: statusReplicas,
    updatedReplicas: updated,
    readyReplicas: sum((rs) => Number(statusOf(rs).readyReplicas ?? 0)),
    availableReplicas: avail,
    ...(desired - avail > 0 ? { unavailableReplicas: desired - avail } : {}),
    conditions: [
      condition("Available", avail >= desired - maxUnavailable, avail >= desired - maxUnavailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", avail >= desired - maxUnavailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", prevConds),
      condition("Progressing", true, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", complete ? `ReplicaSet "${cur?.metadata.name}" has successfully progressed.` : `ReplicaSet "${cur?.metadata.name}" is progressing.`, prevConds),
    ],
  });
}
