import type { ClusterContext } from "../context";
import { deleteObject } from "../objects";
import { NAMESPACE, POD, RESOURCES } from "../resources";

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
  else ctx.later(200, () => reconcileNamespace(ctx, name));
}
