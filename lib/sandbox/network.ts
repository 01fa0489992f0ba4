import type { KObject } from "./types";

/**
 * A rule of the simulated network. `from` and `to` name a node, `zone=<zone>`, `pool=<pool>` or `*`.
 * A partition drops all traffic between the two sides; latencyMs adds to the round trip.
 */
export interface NetworkRule {
  from: string;
  to: string;
  latencyMs?: number;
  partition?: boolean;
}

const ZONE = "topology.kubernetes.io/zone";
const POOL = "pystol.io/pool";

function matches(sel: string, node: KObject | undefined): boolean {
  if (sel === "*") return true;
  if (!node) return false;
  const labels = node.metadata.labels ?? {};
  if (sel.startsWith("zone=")) return labels[ZONE] === sel.slice(5);
  if (sel.startsWith("pool=")) return labels[POOL] === sel.slice(5);
  return node.metadata.name === sel;
}

/** Round-trip times between nodes: by zone, plus injected latency and partitions. */
export class Network {
  rules: NetworkRule[] = [];
  /** Told after every change of the rules (the journal, lib/sandbox/durable.ts). */
  onChange: (() => void) | null = null;

  set(rules: NetworkRule[], replace: boolean) {
    this.rules = replace ? [...rules] : [...this.rules, ...rules];
    this.onChange?.();
  }

  /** Round trip in ms between two nodes, or null when unreachable. `seq` varies the jitter. */
  rtt(a: KObject | undefined, b: KObject | undefined, seq: number): number | null {
    if (!a || !b) return null;
    let extra = 0;
    for (const r of this.rules) {
      const hit = (matches(r.from, a) && matches(r.to, b)) || (matches(r.from, b) && matches(r.to, a));
      if (!hit) continue;
      if (r.partition) return null;
      extra += r.latencyMs ?? 0;
    }
    const same = a.metadata.name === b.metadata.name;
    const sameZone = (a.metadata.labels ?? {})[ZONE] === (b.metadata.labels ?? {})[ZONE];
    const base = same ? 0.06 : sameZone ? 0.35 : 1.8;
    const jitter = ((Math.sin(seq * 12.9898) * 43758.5453) % 1 + 1) % 1;
    return Math.round((base * (1 + 0.4 * jitter) + extra) * 1000) / 1000;
  }
}
