import type { ClusterContext } from "../context";
import { nowIso } from "../names";
import { NODE, POD } from "../resources";
import type { Obj } from "./util";

const HEARTBEAT_MS = 40_000;
const MAX_PER_TICK = 500;

/** Refresh node heartbeats a batch at a time, as kubelets would. */
export function heartbeat(ctx: ClusterContext) {
  const now = Date.now();
  let n = 0;
  for (const node of ctx.store.each(NODE)) {
    if (n >= MAX_PER_TICK) break;
    const conds = ((node.status as Obj | undefined)?.conditions ?? []) as Obj[];
    const ready = conds.find((c) => c.type === "Ready");
    if (!ready) continue;
    const last = Date.parse(String(ready.lastHeartbeatTime ?? 0));
    if (now - last < HEARTBEAT_MS) continue;
    n++;
    const at = nowIso();
    ctx.store.put(NODE, { ...node, status: { ...(node.status as Obj), conditions: conds.map((c) => ({ ...c, lastHeartbeatTime: at })) } });
  }
}

/** Pods bound to a node that no longer exists are removed, as the pod garbage collector does. */
export function collectOrphanPods(ctx: ClusterContext, nodeName: string) {
  for (const e of [...(ctx.store.podsByNode.get(nodeName) ?? [])]) {
    ctx.store.remove(POD, e.obj.metadata.namespace!, e.obj.metadata.name!);
  }
}
