// What the faults that simulated runners hold do to the cluster's models, asked by the models
// themselves: the network (round trips, loss, partitions: lib/sandbox/app/model.ts, the service
// proxy and probe pods), the shop's DNS and HTTP (lib/sandbox/app), and metrics.k8s.io usage. A
// fault acts on its pod, found by address, as the runner acts on the pod's network namespace.
import type { Fault, FaultSpec } from "@/runner/spec";
import { nameMatcher } from "@/runner/dns-resolver";

/** A fault a simulated runner holds now. */
export interface ActiveFault {
  /** `<pod uid>/<container>`. */
  key: string;
  ns: string;
  pod: string;
  podUid: string;
  /** The pod's address: every network fault acts on what crosses it. */
  ip: string | undefined;
  container: string;
  /** targetContainerName: the container a process fault signals. */
  target: string | undefined;
  spec: FaultSpec;
  startedAt: number;
  /** Partitions: the addresses of its destinations (networks, and host names resolved at the start). */
  networks: Network4[];
}

export interface Network4 {
  base: number;
  mask: number;
}

export function parseCidr(text: string): Network4 | undefined {
  const [addr, bitsText] = text.split("/");
  const parts = (addr ?? "").split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (ipNumber(parts) & mask) >>> 0, mask };
}

const ipNumber = (p: number[]) => (((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0);

function inNetworks(ip: string, nets: Network4[]): boolean {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4) return false;
  const n = ipNumber(parts);
  return nets.some((x) => ((n & x.mask) >>> 0) === x.base);
}

/** What a path between two addresses suffers: added round trip, loss share, or no way at all. */
export interface PathEffect {
  extraMs: number;
  loss: number;
  partitioned: boolean;
}

export const NO_EFFECT: PathEffect = { extraMs: 0, loss: 0, partitioned: false };

/** A deterministic standard-normal-ish value for sequence number `seq` (jitter that tests can repeat). */
function gauss(seq: number): number {
  const u = (((Math.sin(seq * 78.233 + 1.7) * 43758.5453) % 1) + 1) % 1;
  const v = (((Math.sin(seq * 12.9898 + 4.1) * 24634.6345) % 1) + 1) % 1;
  return Math.sqrt(-2 * Math.log(Math.max(u, 1e-9))) * Math.cos(2 * Math.PI * v);
}

type Of<K extends Fault["kind"]> = Extract<Fault, { kind: K }>;

/** The active faults of one cluster. `version` moves at every change, so models recompute at once. */
export class FaultEffects {
  readonly active = new Map<string, ActiveFault>();
  version = 0;

  add(f: ActiveFault) {
    this.active.set(f.key, f);
    this.version++;
  }

  remove(key: string): ActiveFault | undefined {
    const f = this.active.get(key);
    if (f) {
      this.active.delete(key);
      this.version++;
    }
    return f;
  }

  private onIp(ip: string | undefined): ActiveFault[] {
    if (!ip || this.active.size === 0) return [];
    return [...this.active.values()].filter((f) => f.ip === ip);
  }

  /**
   * A round trip from `from` to a peer known by `to` (its pod address, and the service address it
   * was dialled at). Latency (netem on the pod's interfaces) adds to every round trip through the
   * pod; loss drops a share of packets each way it covers; a partition drops everything between
   * the pod and its destinations (one direction is enough to break a connection: its replies or
   * its requests never arrive). `towardsApiServer`: the runner spares its way to its lease (the API
   * server) from loss and partitions, not from netem's delay. `seq` draws a round trip's jitter.
   */
  path(from: string | undefined, to: string[], seq?: number, towardsApiServer = false): PathEffect {
    if (this.active.size === 0) return NO_EFFECT;
    let extraMs = 0;
    let pass = 1;
    let partitioned = false;
    const sides: [ActiveFault, string[]][] = [
      ...this.onIp(from).map((f): [ActiveFault, string[]] => [f, to]),
      ...to.flatMap((ip) => this.onIp(ip)).map((f): [ActiveFault, string[]] => [f, from ? [from] : []]),
    ];
    for (const [f, peers] of sides) {
      const k = f.spec.fault;
      // Without a sequence number (the application model's means) jitter averages out.
      if (k.kind === "network-latency") extraMs += seq === undefined ? k.latencyMs : Math.max(0, k.latencyMs + k.jitterMs * gauss(seq + f.startedAt));
      else if (towardsApiServer) continue;
      else if (k.kind === "network-loss") {
        const p = k.percent / 100;
        pass *= k.direction === "both" ? (1 - p) ** 2 : 1 - p;
      } else if (k.kind === "network-partition" && peers.some((ip) => inNetworks(ip, f.networks))) partitioned = true;
    }
    return { extraMs, loss: 1 - pass, partitioned };
  }

  /** How a pod's lookup of a service's names fares: its DNS faults' answer for the first matching name. */
  dns(from: string | undefined, names: string[]): { fail: boolean; delayMs: number } {
    let delayMs = 0;
    for (const f of this.onIp(from)) {
      const k = f.spec.fault;
      if (k.kind !== "dns") continue;
      const match = nameMatcher(k.patterns);
      if (!names.some(match)) continue;
      if (k.answer === "slow") delayMs += k.delayMs;
      else return { fail: true, delayMs };
    }
    return { fail: false, delayMs };
  }

  /** The HTTP faults on a pod's port that a request to `path` meets. */
  http(ip: string | undefined, port: number | undefined, path: string): Of<"http">[] {
    return this.onIp(ip)
      .map((f) => f.spec.fault)
      .filter((k): k is Of<"http"> => k.kind === "http" && k.port === port && (!k.pathPrefix || path.startsWith(k.pathPrefix)));
  }

  /** The stress the pod's runners hold, by container: CPU millicores and memory bytes. */
  stress(podUid: string | undefined): { name: string; cpuMilli: number; memBytes: number }[] {
    if (!podUid || this.active.size === 0) return [];
    const out: { name: string; cpuMilli: number; memBytes: number }[] = [];
    for (const f of this.active.values()) {
      if (f.podUid !== podUid) continue;
      const k = f.spec.fault;
      if (k.kind === "cpu") out.push({ name: f.container, cpuMilli: k.cores * k.percent * 10, memBytes: 8 * 1024 * 1024 });
      else if (k.kind === "memory") out.push({ name: f.container, cpuMilli: 5, memBytes: k.bytes });
    }
    return out;
  }
}
