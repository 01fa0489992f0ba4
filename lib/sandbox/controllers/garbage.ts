import type { ClusterContext } from "../context";
import { cascade, clone, deleteObject, FOREGROUND_FINALIZER, ORPHAN_FINALIZER, resourceOf } from "../objects";
import type { ResourceType } from "../resources";
import type { KObject } from "../types";

/**
 * The garbage collector's part of a Foreground or Orphan delete: an owner marked with the
 * `orphan` finalizer has its dependents' owner references removed; one marked with
 * `foregroundDeletion` has its dependents deleted (in the foreground too) and waits until they
 * are gone. Then the finalizer goes, and with the last finalizer the object. True when the
 * object is finished with (removed, or its finalizer handled).
 */
export function finishDeletion(ctx: ClusterContext, t: ResourceType, o: KObject): boolean {
  const fins = o.metadata.finalizers ?? [];
  if (!o.metadata.deletionTimestamp) return true;
  const uid = o.metadata.uid!;
  if (fins.includes(ORPHAN_FINALIZER)) {
    cascade(ctx, o, "Orphan");
    return release(ctx, t, o, ORPHAN_FINALIZER);
  }
  if (!fins.includes(FOREGROUND_FINALIZER)) return true;
  const dependents = ctx.store.dependents(uid);
  if (dependents.length) {
    for (const d of dependents) {
      if (d.metadata.deletionTimestamp) continue;
      const dt = resourceOf(d);
      if (dt) deleteObject(ctx, dt, d.metadata.namespace ?? "", d.metadata.name!, { propagationPolicy: "Foreground" });
    }
    return false;
  }
  return release(ctx, t, o, FOREGROUND_FINALIZER);
}

function release(ctx: ClusterContext, t: ResourceType, o: KObject, finalizer: string): boolean {
  const cur = ctx.store.get(t, o.metadata.namespace ?? "", o.metadata.name!);
  if (!cur || cur.metadata.uid !== o.metadata.uid) return true;
  const next = clone(cur);
  next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  if (next.metadata.finalizers.length === 0) {
    ctx.store.remove(t, next.metadata.namespace ?? "", next.metadata.name!);
    ctx.kick();
  } else ctx.store.put(t, next);
  return true;
}
