// The lease a runner must see renewed to keep its fault. In a cluster it is a
// coordination.k8s.io Lease that Pystol's worker renews; the runner only reads it. A fault ends
// when the lease is released (deleted, or its holder cleared: that is how an abort reaches a
// runner that cannot be signalled) and when its renewals stop for longer than its duration.
import { readFile } from "node:fs/promises";
import https from "node:https";
import type { Exemption } from "./plan";

export type LeaseReading =
  | { state: "held"; holder: string; renewTime: string; durationSeconds: number }
  | { state: "released"; reason: string };

/** Where the runner reads its lease. */
export interface LeaseSource {
  /** For log lines: where the lease is. */
  readonly description: string;
  /** Traffic to the lease that network faults must leave alone. */
  readonly exemptions: Exemption[];
  /** Reads the lease now; rejects when it cannot be read (that counts as not renewed). */
  read(): Promise<LeaseReading>;
}

interface LeaseSpecJson {
  holderIdentity?: string | null;
  renewTime?: string | null;
  leaseDurationSeconds?: number | null;
}

function readingOf(spec: LeaseSpecJson | undefined): LeaseReading {
  if (!spec?.holderIdentity) return { state: "released", reason: "the lease has no holder" };
  if (!spec.renewTime || !spec.leaseDurationSeconds)
    return { state: "released", reason: "the lease has no renew time or duration" };
  return {
    state: "held",
    holder: spec.holderIdentity,
    renewTime: spec.renewTime,
    durationSeconds: spec.leaseDurationSeconds,
  };
}

export interface KubernetesLeaseOptions {
  /** https://host:port of the API server, by address: DNS faults must not cut the runner off. */
  server: string;
  namespace: string;
  name: string;
  token: string;
  /** PEM of the API server's certificate authority. */
  ca?: string;
}

/** A coordination.k8s.io/v1 Lease read through the Kubernetes API with a bearer token. */
export class KubernetesLeaseSource implements LeaseSource {
  readonly description: string;
  readonly exemptions: Exemption[];
  private readonly url: URL;

  constructor(private readonly opts: KubernetesLeaseOptions) {
    // Joined to the server's path, not resolved against it: an API server may sit under a
    // path prefix (a proxy, or the sandbox's /c/<cluster>).
    const base = new URL(opts.server);
    base.pathname = `${base.pathname.replace(/\/$/, "")}/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(opts.namespace)}/leases/${encodeURIComponent(opts.name)}`;
    this.url = base;
    this.description = `Lease ${opts.namespace}/${opts.name}`;
    const host = this.url.hostname.replace(/^\[|\]$/g, "");
    this.exemptions = /^[\d.]+$|:/.test(host) ? [{ address: host, port: Number(this.url.port || 443) }] : [];
  }

  read(): Promise<LeaseReading> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        this.url,
        {
          method: "GET",
          headers: { authorization: `Bearer ${this.opts.token}`, accept: "application/json" },
          ca: this.opts.ca,
          timeout: 2_000,
        },
        (res) => {
          let body = "";
          res.on("data", (d: Buffer) => (body += d.toString()));
          res.on("end", () => {
            if (res.statusCode === 404)
              return resolve({ state: "released", reason: "the lease was deleted" });
            if (res.statusCode !== 200)
              return reject(new Error(`${this.description}: the API server answered ${res.statusCode}`));
            try {
              resolve(readingOf((JSON.parse(body) as { spec?: LeaseSpecJson }).spec));
            } catch {
              reject(new Error(`${this.description}: the answer is not JSON`));
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${this.description}: no answer within 2 s`)));
      req.on("error", reject);
      req.end();
    });
  }
}

/**
 * A lease kept in a local JSON file shaped like a Lease's spec (holderIdentity, renewTime,
 * leaseDurationSeconds). For the namespace tests and local runs, where there is no API server;
 * a missing file means the lease was released.
 */
export class FileLeaseSource implements LeaseSource {
  readonly description: string;
  readonly exemptions: Exemption[] = [];

  constructor(private readonly path: string) {
    this.description = `lease file ${path}`;
  }

  async read(): Promise<LeaseReading> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT")
        return { state: "released", reason: "the lease file was removed" };
      throw e;
    }
    return readingOf(JSON.parse(text) as LeaseSpecJson);
  }
}

export type LeaseVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Judges a lease over time. It counts a renewal only when it sees renewTime change, and
 * measures the silence on its own monotonic clock, so a skewed clock on either side cannot keep
 * a fault alive.
 */
export class LeaseWatch {
  private lastRenewTime: string | undefined;
  private lastChange = performance.now();
  private durationMs = 0;
  private lastError = "";

  constructor(private readonly source: LeaseSource) {}

  async check(): Promise<LeaseVerdict> {
    try {
      const r = await this.source.read();
      if (r.state === "released") return { ok: false, reason: `lease released: ${r.reason}` };
      this.durationMs = r.durationSeconds * 1000;
      if (r.renewTime !== this.lastRenewTime) {
        this.lastRenewTime = r.renewTime;
        this.lastChange = performance.now();
      }
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      if (this.lastRenewTime === undefined)
        return { ok: false, reason: `lease unreadable: ${this.lastError}` };
    }
    const silent = performance.now() - this.lastChange;
    if (silent > this.durationMs) {
      return {
        ok: false,
        reason: `lease lapsed: not renewed for ${(silent / 1000).toFixed(1)} s${this.lastError ? ` (${this.lastError})` : ""}`,
      };
    }
    return { ok: true };
  }
}
