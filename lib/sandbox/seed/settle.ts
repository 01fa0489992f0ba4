import type { ClusterContext } from "../context";
import { startPod } from "../controllers/pods";
import { phaseOf } from "../controllers/util";
import { POD } from "../resources";

export interface Settleable extends ClusterContext {
  settle(maxPasses?: number): void;
}

/** Run controllers and start bound pods at once, until the cluster is at rest: seeds begin "up". */
export function settleRunning(c: Settleable) {
  for (let round = 0; round < 30; round++) {
    c.settle();
    let started = 0;
    for (const p of [...c.store.each(POD)]) {
      if (phaseOf(p) === "Pending" && (p.spec as { nodeName?: string }).nodeName && !p.metadata.deletionTimestamp) {
        startPod(c, p, true);
        started++;
      }
    }
    if (started === 0) {
      c.settle();
      return;
    }
  }
}
