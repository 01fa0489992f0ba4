import type { ClusterContext } from "../context";
import { clone, deleteObject } from "../objects";
import { nowIso } from "../names";
import { NAMESPACE, POD, RESOURCES } from "../resources";
import type { KObject } from "../types";

/** Empty a terminating namespace, then remove it. */
export function reconcileNamespace(ctx: ClusterContext, name: string) {
  const ns = ctx.store.get(NAMESPACE, "", name);
  if (!ns?.metadata.deletionTimestamp) return;
  let left = 0;
  for (const t of RESOURCES) {
    if (!t.namespaced || t.virtual) continue;
    for (const o of [...ctx.store.each(t, name)]) {
      left++;
      if (t === POD && o.metadata.deletionTimestamp) continue;
      try {
        deleteObject(ctx, t, name, o.metadata.name!, { propagationPolicy: "Background" });
      } catch {
        // Already gone through a cascade.
      }
    }
  }
  if (left === 0) ctx.store.remove(NAMESPACE, "", name);
  else {
    reportRemaining(ctx, ns);
    ctx.later(200, () => reconcileNamespace(ctx, name));
  }
}

/**
 * The namespace controller's conditions on a namespace that cannot be removed yet: what is left
 * in it and which finalizers hold it, in upstream's words.
 */
function reportRemaining(ctx: ClusterContext, ns: KObject) {
  const name = ns.metadata.name!;
  const counts: string[] = [];
  const finalizers = new Map<string, number>();
  for (const t of RESOURCES) {
    if (!t.namespaced || t.virtual) continue;
    const n = ctx.store.count(t, name);
    if (n) counts.push(`${t.plural}.${t.group} has ${n} resource instances`);
    for (const o of ctx.store.each(t, name)) for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
  }
  const at = nowIso();
  const cond = (type: string, status: boolean, reason: string, message: string) => ({ type, status: status ? "True" : "False", lastTransitionTime: at, reason, message });
  const conditions = [
    cond("NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered", "All resources successfully discovered"),
    cond("NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions", "All legacy kube types successfully parsed"),
    cond("NamespaceDeletionContentFailure", false, "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
    cond("NamespaceContentRemaining", counts.length > 0, counts.length ? "SomeResourcesRemain" : "ContentRemoved", counts.length ? `Some resources are remaining: ${counts.sort().join(", ")}` : "All content successfully removed"),
    cond("NamespaceFinalizersRemaining", finalizers.size > 0, finalizers.size ? "SomeFinalizersRemain" : "ContentHasNoFinalizers", finalizers.size ? `Some content in the namespace has finalizers remaining: ${[...finalizers].sort().map(([f, n]) => `${f} in ${n} resource instances`).join(", ")}` : "All content-preserving finalizers finished"),
  ];
  const prev = ((ns.status as { conditions?: { type: string; status: string; message: string; lastTransitionTime: string }[] } | undefined)?.conditions ?? []);
  const same = prev.length === conditions.length && conditions.every((c, i) => prev[i]?.type === c.type && prev[i]?.status === c.status && prev[i]?.message === c.message);
  if (same) return;
  const next = clone(ns);
  next.status = { ...next.status, conditions: conditions.map((c, i) => (prev[i]?.type === c.type && prev[i]?.status === c.status ? { ...c, lastTransitionTime: prev[i]!.lastTransitionTime } : c)) };
  ctx.store.put(NAMESPACE, next);
}
