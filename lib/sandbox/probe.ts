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

/** The node behind a probe target (a pod IP, a node name or IP, a pod name, or a service host name), and the addresses it is dialled at. */
function resolveTarget(ctx: ClusterContext, target: string, ns: string): { node: KObject | undefined; ips: string[] } {
  const node = ctx.store.get(NODE, "", target);
  if (node) return { node, ips: [] };
  for (const n of ctx.store.each(NODE)) {
    if (((n.status as { addresses?: { address: string }[] } | undefined)?.addresses ?? []).some((a) => a.address === target)) return { node: n, ips: [target] };
  }
  const nodeOfPod = (p: KObject | undefined) => {
    const nn = (p?.spec as { nodeName?: string } | undefined)?.nodeName;
    return nn ? ctx.store.get(NODE, "", nn) : undefined;
  };
  const podIp = (p: KObject) => (p.status as { podIP?: string } | undefined)?.podIP;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(target)) {
    for (const p of ctx.store.each(POD)) if (podIp(p) === target) return { node: nodeOfPod(p), ips: [target] };
    return { node: undefined, ips: [target] };
  }
  const byName = ctx.store.get(POD, ns, target);
  if (byName) return { node: nodeOfPod(byName), ips: podIp(byName) ? [podIp(byName)!] : [] };
  // svc, svc.ns, svc.ns.svc, svc.ns.svc.cluster.local
  const [svc, svcNs = ns] = target.split(".");
  const service = svc ? ctx.store.get(SERVICE, svcNs, svc) : undefined;
  if (svc && service) {
    const ep = ctx.store.get(ENDPOINTS, svcNs, svc) as { subsets?: { addresses?: { ip: string; nodeName?: string }[] }[] } & KObject | undefined;
    const first = ep?.subsets?.[0]?.addresses?.[0];
    const clusterIp = (service.spec as { clusterIP?: string }).clusterIP;
    const ips = [...(first ? [first.ip] : []), ...(clusterIp && clusterIp !== "None" ? [clusterIp] : [])];
    return { node: first?.nodeName ? ctx.store.get(NODE, "", first.nodeName) : undefined, ips };
  }
  return { node: undefined, ips: [] };
}

/** A repeatable number in [0, 1) for a probe's sequence number: which probes a lossy path drops. */
const unit = (seq: number) => (((Math.sin(seq * 91.7 + 3.3) * 15731.743) % 1) + 1) % 1;

/** The JSON lines a probe pod prints: one per target per round, then `{"done":true}`. */
export function probeLines(ctx: ClusterContext, network: Network, pod: KObject): string[] {
  const env = envOf(pod);
  const targets = (env.PYSTOL_PROBE_TARGETS ?? "").split(/\s+/).filter(Boolean);
  const rounds = Math.max(1, Math.min(100, Number(env.PYSTOL_PROBE_ROUNDS ?? 3) || 3));
  const nn = (pod.spec as { nodeName?: string }).nodeName;
  const from = nn ? ctx.store.get(NODE, "", nn) : undefined;
  const ns = pod.metadata.namespace ?? "default";
  const podIp = (pod.status as { podIP?: string } | undefined)?.podIP;
  const lines: string[] = [];
  let seq = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const to = resolveTarget(ctx, target, ns);
      const n = ++seq + round * 7;
      const base = network.rtt(from, to.node, n);
      // Faults on the probe pod or on the target (lib/sandbox/faults): latency, loss, partitions.
      const fx = ctx.faults.path(podIp, to.ips, n);
      const lost = fx.partitioned || (fx.loss > 0 && unit(n) < fx.loss);
      const rtt = base === null || lost ? null : Math.round((base + fx.extraMs) * 1000) / 1000;
      lines.push(JSON.stringify({ target, reachable: rtt !== null, rttMs: rtt, round }));
    }
  }
  lines.push(JSON.stringify({ done: true }));
  return lines;
}
