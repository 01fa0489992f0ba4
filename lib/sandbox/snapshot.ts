import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { VirtualCluster } from "./cluster";
import type { ClusterOptions } from "./context";
import { LIMIT_KEYS, type ClusterLimits } from "./limits";
import type { ClusterManager } from "./manager";
import { RESOURCES, typeKey } from "./resources";
import type { KObject } from "./types";

interface Header {
  cluster: { id: string; name: string; token: string; createdAt: string; rv: number; opts: ClusterOptions };
}

/** Write every cluster as NDJSON (a header line, then one line per object), atomically. */
export function saveSnapshot(file: string, manager: ClusterManager) {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    for (const c of manager.list()) {
      const h: Header = { cluster: { id: c.id, name: c.name, token: c.token, createdAt: c.createdAt, rv: c.store.rv, opts: c.opts } };
      writeSync(fd, JSON.stringify(h) + "\n");
      for (const t of RESOURCES) {
        if (t.virtual) continue;
        const k = typeKey(t);
        let buf: Buffer[] = [];
        let size = 0;
        for (const e of c.store.sorted(t)) {
          const line = Buffer.concat([Buffer.from(`{"t":"${k}","o":`), e.json(), Buffer.from("}\n")]);
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
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Restore the clusters of a snapshot; returns how many. */
export function loadSnapshot(file: string, manager: ClusterManager, defaults: Partial<ClusterOptions> = {}): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, "utf8");
  const byKey = new Map(RESOURCES.filter((t) => !t.virtual).map((t) => [typeKey(t), t]));
  let cur: VirtualCluster | null = null;
  let rv = 0;
  let n = 0;
  const finish = () => {
    if (!cur) return;
    cur.store.rv = Math.max(cur.store.rv, rv);
    cur.store.compact();
    cur.controllers.resyncAll();
    manager.adopt(cur);
    n++;
  };
  for (const line of text.split("\n")) {
    if (!line) continue;
    const v = JSON.parse(line) as Partial<Header> & { t?: string; o?: KObject };
    if (v.cluster) {
      finish();
      const h = v.cluster;
      cur = new VirtualCluster(h.id, h.name, h.token, h.createdAt, { ...h.opts, ...defaults, ...savedLimits(h.opts) }, h.opts.events ? 2048 : 65_536);
      rv = h.rv;
    } else if (cur && v.t && v.o) {
      const t = byKey.get(v.t);
      if (t) {
        const keep = v.o.metadata.resourceVersion;
        const stored = cur.store.put(t, v.o, { silent: true });
        if (keep) stored.metadata.resourceVersion = keep;
      }
    }
  }
  finish();
  return n;
}

/** The limits a cluster was created with outlive a restart, whatever the process's defaults now are. */
function savedLimits(opts: Partial<ClusterOptions>): Partial<ClusterLimits> {
  const out: Partial<ClusterLimits> = {};
  for (const k of LIMIT_KEYS) if (typeof opts[k] === "number") out[k] = opts[k];
  return out;
}
