import type { ClusterContext } from "../context";
import { createObject, deleteObject } from "../objects";
import { randomSuffix, shortHash } from "../names";
import { DAEMONSET, NODE, POD } from "../resources";
import type { KObject } from "../types";
import { fits } from "./scheduler";
import { isActive, isReady, owned, podFromTemplate, specOf, writeStatus, type Obj } from "./util";

const DS_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

/** One pod per eligible node, placed directly as the DaemonSet controller does; outdated pods replaced one at a time. */
export function reconcileDaemonSet(ctx: ClusterContext, ds: KObject) {
  if (ds.metadata.deletionTimestamp) return;
  const ns = ds.metadata.namespace!;
  const template = (specOf(ds).template ?? {}) as Obj;
  const hash = shortHash(JSON.stringify(template));
  const probe = podFromTemplate(ds, DAEMONSET, template, "probe");
  const pspec = probe.spec as Obj;
  pspec.tolerations = [...((pspec.tolerations ?? []) as Obj[]), ...DS_TOLERATIONS];
  const pods = owned(ctx, ds, "Pod").filter(isActive);
  const byNode = new Map<string, KObject[]>();
  for (const p of pods) {
    const n = String((p.spec as Obj).nodeName ?? "");
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const eligible = [...ctx.store.each(NODE)].filter((n) => fits(probe, n) === null || fits(probe, n) === "node(s) were unschedulable");
  const names = new Set(eligible.map((n) => n.metadata.name!));
  for (const n of eligible) {
    const have = byNode.get(n.metadata.name!) ?? [];
    if (have.length === 0) {
      const p = podFromTemplate(ds, DAEMONSET, template, `${ds.metadata.name}-${randomSuffix()}`, { "controller-revision-hash": hash, "pod-template-generation": String(ds.metadata.generation ?? 1) });
      const spec = p.spec as Obj;
      spec.nodeName = n.metadata.name;
      spec.tolerations = [...((spec.tolerations ?? []) as Obj[]), ...DS_TOLERATIONS];
      const created = createObject(ctx, POD, ns, p);
      ctx.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`, "daemonset-controller");
    }
    for (const extra of have.slice(1)) deleteObject(ctx, POD, ns, extra.metadata.name!);
  }
  for (const [node, ps] of byNode) if (!names.has(node)) for (const p of ps) deleteObject(ctx, POD, ns, p.metadata.name!);
  const outdated = pods.filter((p) => p.metadata.labels?.["controller-revision-hash"] !== hash);
  if (outdated.length && pods.every(isReady)) deleteObject(ctx, POD, ns, outdated[0]!.metadata.name!);
  const live = owned(ctx, ds, "Pod").filter(isActive);
  const ready = live.filter(isReady).length;
  writeStatus(ctx, DAEMONSET, ds, {
    currentNumberScheduled: live.length,
    desiredNumberScheduled: eligible.length,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready,
    ...(eligible.length - ready > 0 ? { numberUnavailable: eligible.length - ready } : {}),
    updatedNumberScheduled: live.filter((p) => p.metadata.labels?.["controller-revision-hash"] === hash).length,
    observedGeneration: ds.metadata.generation ?? 1,
  });
}
