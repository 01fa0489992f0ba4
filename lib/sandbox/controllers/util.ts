import type { ClusterContext } from "../context";
import { podHealthy } from "../disruption";
import { clone } from "../objects";
import type { ResourceType } from "../resources";
import { apiVersionOf, STATEFULSET } from "../resources";
import type { KObject, OwnerReference } from "../types";

export type Obj = Record<string, unknown>;
export const specOf = (o: KObject) => (o.spec ?? {}) as Obj;
export const statusOf = (o: KObject) => (o.status ?? {}) as Obj;
export const phaseOf = (p: KObject) => (p.status as { phase?: string } | undefined)?.phase;

export function controllerRef(o: KObject): OwnerReference | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller);
}

export function ownerRef(owner: KObject, t: ResourceType): OwnerReference {
  return { apiVersion: apiVersionOf(t), kind: t.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** Objects of a kind controlled by the owner. */
export function owned(ctx: ClusterContext, owner: KObject, kind: string): KObject[] {
  return ctx.store.dependents(owner.metadata.uid!).filter((o) => o.kind === kind && controllerRef(o)?.uid === owner.metadata.uid);
}

/** Not finished and not being deleted. */
export function isActive(p: KObject): boolean {
  const ph = phaseOf(p);
  return !p.metadata.deletionTimestamp && ph !== "Succeeded" && ph !== "Failed";
}

export const isReady = podHealthy;

/** Write a new status when it differs from the stored one. */
export function writeStatus(ctx: ClusterContext, t: ResourceType, o: KObject, status: Obj): KObject {
  const cur = ctx.store.get(t, o.metadata.namespace ?? "", o.metadata.name!);
  if (!cur) return o;
  if (JSON.stringify(cur.status ?? {}) === JSON.stringify(status)) return cur;
  return ctx.store.put(t, { ...cur, status });
}

/** Change a stored object through a copy. */
export function mutate(ctx: ClusterContext, t: ResourceType, o: KObject, fn: (copy: KObject) => void): KObject {
  const cur = ctx.store.get(t, o.metadata.namespace ?? "", o.metadata.name!);
  if (!cur) return o;
  const next = clone(cur);
  fn(next);
  return ctx.store.put(t, next);
}

/** A pod object from a workload's template. */
export function podFromTemplate(owner: KObject, t: ResourceType, template: Obj, name: string, extraLabels: Record<string, string> = {}): KObject {
  const tm = (template.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      // Controllers name their pods by generateName (all but StatefulSets, whose names are ordinals).
      ...(t !== STATEFULSET ? { generateName: `${owner.metadata.name}-` } : {}),
      name,
      namespace: owner.metadata.namespace,
      labels: { ...(tm.labels ?? {}), ...extraLabels },
      ...(tm.annotations ? { annotations: { ...tm.annotations } } : {}),
      ownerReferences: [ownerRef(owner, t)],
    },
    spec: clone((template.spec ?? {}) as Obj),
  };
}

export function intOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.endsWith("%")) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return Number(v) || 0;
}

export function condition(type: string, status: boolean, reason: string, message: string, prev?: Obj[]): Obj {
  const old = prev?.find((c) => c.type === type);
  const s = status ? "True" : "False";
  const t = old && old.status === s && old.reason === reason ? (old.lastTransitionTime as string) : new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return { type, status: s, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}
