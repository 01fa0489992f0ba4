// What one virtual cluster may take of the shared sandbox process: stored bytes, open watches,
// request rate and the nesting depth of JSON it is sent. Every cluster shares one event loop and
// one heap, so a cluster that stores gigabytes, opens thousands of watches or sends JSON deep
// enough to exhaust the stack would otherwise take every other cluster down with it.

/** The limit fields of ClusterOptions that a cluster's creator may set (admin API `limits`). */
export interface ClusterLimits {
  /** Most objects the cluster may hold (403 exceeded quota beyond). */
  maxObjects: number;
  /** Most bytes of stored objects (their JSON), summed over the cluster (403 exceeded quota beyond). */
  maxBytes: number;
  /** Most watch streams open at once (429 beyond). */
  maxWatches: number;
  /** Requests per second the cluster's token bucket refills (429 with Retry-After when empty). */
  requestsPerSecond: number;
  /** Requests the bucket holds: how large a burst passes at once. */
  requestBurst: number;
}

export const LIMIT_KEYS = ["maxObjects", "maxBytes", "maxWatches", "requestsPerSecond", "requestBurst"] as const satisfies readonly (keyof ClusterLimits)[];

/**
 * Defaults for a team's cluster: room for the demo shop many times over (it holds about 0.5 MB
 * in 130 objects), for the watches of a few informers and kubectl sessions, and for Pystol's
 * runs (a pod kill makes a handful of requests) at far more than a team's concurrent-run limit.
 */
export const TEAM_CLUSTER_LIMITS: ClusterLimits = {
  maxObjects: 250_000,
  maxBytes: 64 * 1024 * 1024,
  maxWatches: 100,
  requestsPerSecond: 200,
  requestBurst: 400,
};

/**
 * How deeply a request body's JSON may nest. Kubernetes' own decoder stops at 10,000 levels;
 * here the handlers (copy, merge, serialise) recurse, and at a few thousand levels they exhaust
 * the stack. Real objects nest about 15 levels deep.
 */
export const DEFAULT_MAX_JSON_DEPTH = 100;

/**
 * The first bracket that opens a level deeper than `max` in this JSON text, or null. A single
 * pass over the bytes that skips strings, run before JSON.parse so that nothing deeper is built.
 */
export function depthExceeded(buf: Buffer, max: number): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > max) return String.fromCharCode(b);
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return null;
}

/** How deeply a parsed value nests (objects and arrays), without recursion. */
export function valueDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) if (child !== null && typeof child === "object") stack.push([child, depth]);
  }
  return max;
}

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: () => number,
    private readonly burst: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst();
    this.last = now();
  }

  /** Takes one token: 0 when the request may go ahead, else the seconds until a token is there. */
  take(): number {
    const t = this.now();
    const rate = this.perSecond();
    this.tokens = Math.min(this.burst(), this.tokens + ((t - this.last) / 1000) * rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / rate;
  }
}
