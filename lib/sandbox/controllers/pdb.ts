import type { ClusterContext } from "../context";
import { pdbState } from "../disruption";
import { PDB } from "../resources";
import { statusOf, writeStatus, type Obj } from "./util";

/** Status of every PodDisruptionBudget in a namespace. */
export function reconcilePdbs(ctx: ClusterContext, ns: string) {
  for (const pdb of [...ctx.store.each(PDB, ns)]) {
    const s = pdbState(ctx, pdb);
    const prev = ((statusOf(pdb).conditions ?? []) as Obj[])[0];
    const ok = s.disruptionsAllowed > 0;
    const reason = ok ? "SufficientPods" : "InsufficientPods";
    const at = prev && prev.reason === reason ? prev.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, "Z");
    writeStatus(ctx, PDB, pdb, {
      observedGeneration: pdb.metadata.generation ?? 1,
      disruptionsAllowed: s.disruptionsAllowed,
      currentHealthy: s.currentHealthy,
      desiredHealthy: s.desiredHealthy,
      expectedPods: s.expectedPods,
      conditions: [{ type: "DisruptionAllowed", status: ok ? "True" : "False", reason, message: "", observedGeneration: pdb.metadata.generation ?? 1, lastTransitionTime: at }],
    });
  }
}
