import type { ClusterContext } from "./context";
import { labelSelectorMatcher } from "./selectors";
import { PDB, POD } from "./resources";
import type { KObject } from "./types";

type PodLike = { status?: { phase?: string; conditions?: { type: string; status: string }[] } };

/** Ready, not terminating, not finished. */
export function podHealthy(p: KObject): boolean {
  if (p.metadata.deletionTimestamp) return false;
  const st = (p as PodLike).status;
  if (st?.phase !== "Running") return false;
  return (st.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.endsWith("%")) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

export interface PdbState {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptionsAllowed: number;
}

/** The status a PodDisruptionBudget has now, computed from the pods it selects. */
export function pdbState(ctx: ClusterContext, pdb: KObject): PdbState {
  const spec = (pdb.spec ?? {}) as { selector?: unknown; minAvailable?: unknown; maxUnavailable?: unknown };
  const match = labelSelectorMatcher(spec.selector);
  let expected = 0;
  let healthy = 0;
  for (const p of ctx.store.each(POD, pdb.metadata.namespace)) {
    const phase = (p as PodLike).status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    if (!match(p.metadata.labels)) continue;
    expected++;
    if (podHealthy(p)) healthy++;
  }
  let desired: number;
  if (spec.minAvailable !== undefined) desired = scaled(spec.minAvailable, expected, true);
  else if (spec.maxUnavailable !== undefined) desired = expected - scaled(spec.maxUnavailable, expected, true);
  else desired = expected;
  desired = Math.max(0, desired);
  return { currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected, disruptionsAllowed: Math.max(0, healthy - desired) };
}

/** The PDBs whose selector matches the pod. */
export function pdbsFor(ctx: ClusterContext, pod: KObject): KObject[] {
  const out: KObject[] = [];
  for (const pdb of ctx.store.each(PDB, pod.metadata.namespace)) {
    if (labelSelectorMatcher((pdb.spec as { selector?: unknown } | undefined)?.selector)(pod.metadata.labels)) out.push(pdb);
  }
  return out;
}
