import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import { VirtualCluster } from "./cluster";
import type { ClusterOptions } from "./context";
import { syncDir } from "./journal";
import { LIMIT_KEYS, type ClusterLimits } from "./limits";
import type { ClusterManager } from "./manager";
import type { NetworkRule } from "./network";
import { NODE, POD, RESOURCES, SERVICE, typeKey, type ResourceType } from "./resources";
import type { Entry } from "./store";
import type { KObject } from "./types";

export interface ClusterHeader {
  id: string;
  name: string;
  token: string;
  createdAt: string;
  rv: number;
  opts: ClusterOptions;
  /** The simulated network's rules (latency, partitions) in force. */
  net?: NetworkRule[];
}

export const clusterHeader = (c: VirtualCluster): ClusterHeader => ({
  id: c.id,
  name: c.name,
  token: c.token,
  createdAt: c.createdAt,
  rv: c.store.rv,
  opts: c.opts,
  net: c.network.rules,
});

/** An object's JSON without keeping it on the entry (keeping every object's text doubles memory). */
const objectJson = (e: Entry): Buffer => e.buf ?? Buffer.from(JSON.stringify(e.obj));

/** Every stored object of a cluster as `{"t":<type>,"o":<object>}` lines. */
export function* objectLines(c: VirtualCluster): Generator<Buffer> {
  for (const t of RESOURCES) {
    if (t.virtual) continue;
    const k = typeKey(t);
    const head = Buffer.from(`{"t":"${k}","o":`);
    for (const e of c.store.sorted(t)) yield Buffer.concat([head, objectJson(e), Buffer.from("}\n")]);
  }
}

/**
 * Write every cluster as NDJSON (a line naming the last journal record it includes, then per
 * cluster a header line and one line per object), atomically and durably: written to a
 * temporary file, fsynced, renamed over the old one, and the directory fsynced.
 */
export function saveSnapshot(file: string, manager: ClusterManager, journalSeq = 0) {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, JSON.stringify({ snapshot: { seq: journalSeq } }) + "\n");
    for (const c of manager.list()) {
      writeSync(fd, JSON.stringify({ cluster: clusterHeader(c) }) + "\n");
      let buf: Buffer[] = [];
      let size = 0;
      for (const line of objectLines(c)) {
        buf.push(line);
        size += line.length;
        if (size > 1 << 20) {
          writeSync(fd, Buffer.concat(buf));
          buf = [];
          size = 0;
        }
      }
      if (buf.length) writeSync(fd, Buffer.concat(buf));
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(path.dirname(file));
}

/** A cluster being rebuilt from a snapshot or the journal: its objects go in, then finish(). */
export class RestoringCluster {
  readonly cluster: VirtualCluster;
  private readonly rv: number;
  constructor(h: ClusterHeader, defaults: Partial<ClusterOptions>) {
    this.cluster = new VirtualCluster(h.id, h.name, h.token, h.createdAt, { ...h.opts, ...defaults, ...savedLimits(h.opts) }, h.opts.events ? 2048 : 65_536);
    this.cluster.network.rules = [...(h.net ?? [])];
    this.rv = h.rv;
  }

  /** Put an object back as it was stored, resourceVersion included. */
  put(t: ResourceType, o: KObject) {
    const keep = o.metadata.resourceVersion;
    const stored = this.cluster.store.put(t, o, { silent: true });
    if (keep) stored.metadata.resourceVersion = keep;
  }

  /** Restore the version counter, forget history (410 for older versions) and register the cluster. */
  finish(manager: ClusterManager) {
    const c = this.cluster;
    c.store.rv = Math.max(c.store.rv, this.rv);
    c.store.compact();
    reclaimAddresses(c);
    c.controllers.resyncAll();
    c.simulator.resync();
    manager.adopt(c);
  }
}

/** The addresses the cluster's nodes, pods and services hold are taken, after a restart too. */
export function reclaimAddresses(c: VirtualCluster) {
  const nodes = [...c.store.each(NODE)].map((n) => ({ name: n.metadata.name!, podCIDR: (n.spec as { podCIDR?: string } | undefined)?.podCIDR }));
  const pods = [...c.store.each(POD)].map((p) => ({ nodeName: (p.spec as { nodeName?: string } | undefined)?.nodeName, podIP: (p.status as { podIP?: string } | undefined)?.podIP }));
  const services = [...c.store.each(SERVICE)].map((s) => (s.spec as { clusterIP?: string } | undefined)?.clusterIP ?? "");
  c.alloc.reclaim(nodes, pods, services);
}

export const storedTypes = () => new Map(RESOURCES.filter((t) => !t.virtual).map((t) => [typeKey(t), t]));

/** Restore the clusters of a snapshot; returns how many and the last journal record it holds. */
export function loadSnapshot(file: string, manager: ClusterManager, defaults: Partial<ClusterOptions> = {}): { clusters: number; seq: number } {
  if (!existsSync(file)) return { clusters: 0, seq: 0 };
  const text = readFileSync(file, "utf8");
  const byKey = storedTypes();
  let cur: RestoringCluster | null = null;
  let n = 0;
  let seq = 0;
  for (const line of text.split("\n")) {
    if (!line) continue;
    const v = JSON.parse(line) as { snapshot?: { seq: number }; cluster?: ClusterHeader; t?: string; o?: KObject };
    if (v.snapshot) seq = v.snapshot.seq;
    else if (v.cluster) {
      cur?.finish(manager);
      if (cur) n++;
      cur = new RestoringCluster(v.cluster, defaults);
    } else if (cur && v.t && v.o) {
      const t = byKey.get(v.t);
      if (t) cur.put(t, v.o);
    }
  }
  if (cur) {
    cur.finish(manager);
    n++;
  }
  return { clusters: n, seq };
}

/** The limits a cluster was created with outlive a restart, whatever the process's defaults now are. */
function savedLimits(opts: Partial<ClusterOptions>): Partial<ClusterLimits> {
  const out: Partial<ClusterLimits> = {};
  for (const k of LIMIT_KEYS) if (typeof opts[k] === "number") out[k] = opts[k];
  return out;
}
