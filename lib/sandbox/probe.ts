import type { ClusterContext } from "./context";
import type { Network } from "./network";
import { NODE, POD, SERVICE, ENDPOINTS } from "./resources";
import type { KObject } from "./types";

export const PROBE_LABEL = "pystol.io/role";

type Env = { name: string; value?: string }[];

export function isProbe(pod: KObject): boolean {
  return pod.metadata.labels?.[PROBE_LABEL] === "probe";
}

function envOf(pod: KObject): Record<string, string> {
  const c = ((pod.spec as { containers?: { env?: Env }[] }).containers ?? [])[0];
  const out: Record<string, string> = {};
  for (const e of c?.env ?? []) if (e.value !== undefined) out[e.name] = e.value;
  return out;
}

/** The node behind a probe target: a pod IP, a node name or IP, a pod name, or a service host name. */
function nodeOfTarget(ctx: ClusterContext, target: string, ns: string): KObject | undefined {
  const node = ctx.store.get(NODE, "", target);
  if (node) return node;
  for (const n of ctx.store.each(NODE)) {
    if (((n.status as { addresses?: { address: string }[] } | undefined)?.addresses ?? []).some((a) => a.address === target)) return n;
  }
  const nodeOfPod = (p: KObject | undefined) => {
    const nn = (p?.spec as { nodeName?: string } | undefined)?.nodeName;
    return nn ? ctx.store.get(NODE, "", nn) : undefined;
  };
  if (/^\d+\.\d+\.\d+\.\d+$/.test(target)) {
    for (const p of ctx.store.each(POD)) if ((p.status as { podIP?: string } | undefined)?.podIP === target) return nodeOfPod(p);
    return undefined;
  }
  const byName = ctx.store.get(POD, ns, target);
  if (byName) return nodeOfPod(byName);
  // svc, svc.ns, svc.ns.svc, svc.ns.svc.cluster.local
  const [svc, svcNs = ns] = target.split(".");
  if (svc && ctx.store.get(SERVICE, svcNs, svc)) {
    const ep = ctx.store.get(ENDPOINTS, svcNs, svc) as { subsets?: { addresses?: { nodeName?: string }[] }[] } & KObject | undefined;
    const nn = ep?.subsets?.[0]?.addresses?.[0]?.nodeName;
    return nn ? ctx.store.get(NODE, "", nn) : undefined;
  }
  return undefined;
}

/** The JSON lines a probe pod prints: one per target per round, then `{"done":true}`. */
export function probeLines(ctx: ClusterContext, network: Network, pod: KObject): string[] {
  const env = envOf(pod);
  const targets = (env.PYSTOL_PROBE_TARGETS ?? "").split(/\s+/).filter(Boolean);
  const rounds = Math.max(1, Math.min(100, Number(env.PYSTOL_PROBE_ROUNDS ?? 3) || 3));
  const nn = (pod.spec as { nodeName?: string }).nodeName;
  const from = nn ? ctx.store.get(NODE, "", nn) : undefined;
  const ns = pod.metadata.namespace ?? "default";
  const lines: string[] = [];
  let seq = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const to = nodeOfTarget(ctx, target, ns);
      const rtt = network.rtt(from, to, ++seq + round * 7);
      lines.push(JSON.stringify({ target, reachable: rtt !== null, rttMs: rtt, round }));
    }
  }
  lines.push(JSON.stringify({ done: true }));
  return lines;
}
