import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { ADMIN_USER, ANONYMOUS, tokenCluster, verifyToken } from "./authn";
import { VirtualCluster } from "./cluster";
import type { UserInfo } from "./rbac";
import type { ClusterOptions } from "./context";
import { LIMIT_KEYS, type ClusterLimits } from "./limits";
import { seedBase } from "./seed/base";
import { seedLarge, type LargeShape } from "./seed/generate";
import { DemoTemplates } from "./seed/template";
import { namespaceDefaults } from "./objects";
import { NAMESPACE } from "./resources";

export type Seed = "demo" | "empty" | LargeShape;

export interface CreateClusterInput {
  name?: string;
  seed?: Seed;
  /** Narrower or wider limits than the process's defaults for this one cluster. */
  limits?: Partial<ClusterLimits>;
  /** A narrower token: resources it may not use, and whether metrics.k8s.io is served. */
  access?: { deny?: string[]; metricsServer?: boolean };
  options?: Partial<ClusterOptions>;
}

export interface ClusterSummary {
  id: string;
  name: string;
  createdAt: string;
  objects: number;
  counts: Record<string, number>;
}

export interface ClusterObserver {
  created(c: VirtualCluster): void;
  deleted(c: VirtualCluster): void;
}

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function newId(): string {
  const b = randomBytes(10);
  let s = "";
  for (const x of b) s += ID_ALPHABET[x % ID_ALPHABET.length];
  return s;
}

const newToken = () => `sbx_${randomBytes(32).toString("base64url")}`;

/** From this many pods a generated cluster records no Events. */
const QUIET_CLUSTER_PODS = 10_000;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

/** All virtual clusters of the process, by id, each reachable only with its own token. */
export class ClusterManager {
  private readonly clusters = new Map<string, VirtualCluster>();
  private readonly demoTemplates = new DemoTemplates();
  /** Cluster ids by a digest of their token, for requests that carry no /c/<id> prefix. */
  private readonly byDigest = new Map<string, string>();
  /** Told of every cluster created or deleted here (the journal, lib/sandbox/durable.ts). */
  observer: ClusterObserver | null = null;

  constructor(
    private readonly defaults: Partial<ClusterOptions> = {},
    private readonly caPem?: string,
  ) {}

  create(input: CreateClusterInput = {}): VirtualCluster {
    const id = newId();
    const seed = input.seed ?? "demo";
    const large = typeof seed === "object";
    const opts: Partial<ClusterOptions> = { ...this.defaults, ...input.options };
    for (const k of LIMIT_KEYS) {
      const v = input.limits?.[k];
      if (v) opts[k] = v;
    }
    if (input.access?.deny) opts.deniedResources = input.access.deny;
    if (input.access?.metricsServer !== undefined) opts.metricsServer = input.access.metricsServer;
    if (large) {
      // Events only cost memory and fan-out where pods are counted in thousands.
      if (seed.pods >= QUIET_CLUSTER_PODS) opts.events = false;
      opts.maxObjects = Math.max(opts.maxObjects ?? 0, seed.pods * 2 + seed.nodes * 2 + 50_000);
    }
    const c = new VirtualCluster(id, input.name ?? (typeof seed === "string" ? seed : "generated"), newToken(), new Date().toISOString(), opts, large ? 65_536 : 2048);
    c.caPem = this.caPem;
    if (seed === "demo") {
      c.copyFrom(this.demoTemplates.get(c.opts));
    } else {
      seedBase(c);
      if (large) seedLarge(c, seed);
    }
    for (const n of [...c.store.each(NAMESPACE)]) namespaceDefaults(c, n.metadata.name!);
    // A generated cluster is as large as it was asked to be: room for it, and as much again.
    if (large) c.opts.maxBytes = Math.max(c.opts.maxBytes, c.store.bytes * 2);
    c.store.compact();
    this.clusters.set(id, c);
    this.byDigest.set(digest(c.token), id);
    this.observer?.created(c);
    return c;
  }

  /** Register a cluster restored from a snapshot. */
  adopt(c: VirtualCluster) {
    c.caPem ??= this.caPem;
    this.clusters.set(c.id, c);
    this.byDigest.set(digest(c.token), c.id);
  }

  get(id: string): VirtualCluster | undefined {
    return this.clusters.get(id);
  }

  findByName(name: string): VirtualCluster | undefined {
    for (const c of this.clusters.values()) if (c.name === name) return c;
    return undefined;
  }

  /** The cluster this token opens, when it is the token of the cluster with this id. */
  authenticate(id: string, token: string | undefined): VirtualCluster | undefined {
    const c = this.clusters.get(id);
    if (!c || !token) return undefined;
    const a = Buffer.from(c.token);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b) ? c : undefined;
  }

  /**
   * The cluster whose token this is, for a request without the /c/<id> prefix: `kubectl get --raw`
   * sends its path from the server's root, dropping the path of the kubeconfig's server URL.
   */
  authenticateToken(token: string | undefined): VirtualCluster | undefined {
    const id = token ? this.byDigest.get(digest(token)) : undefined;
    return id ? this.authenticate(id, token) : undefined;
  }

  /**
   * The cluster and user of a request: by the /c/<id> prefix when there is one (no token there is
   * system:anonymous), else by the token alone. Undefined: 401.
   */
  identify(id: string | undefined, token: string | undefined): { cluster: VirtualCluster; user: UserInfo } | undefined {
    if (id !== undefined) {
      const c = this.clusters.get(id);
      if (!c) return undefined;
      if (!token) return { cluster: c, user: ANONYMOUS };
      if (this.authenticate(id, token)) return { cluster: c, user: ADMIN_USER };
      const sa = verifyToken(c.store, c.token, token);
      return sa ? { cluster: c, user: sa.user } : undefined;
    }
    const admin = this.authenticateToken(token);
    if (admin) return { cluster: admin, user: ADMIN_USER };
    const kid = token ? tokenCluster(token) : undefined;
    const c = kid ? this.clusters.get(kid) : undefined;
    const sa = c && token ? verifyToken(c.store, c.token, token) : undefined;
    return c && sa ? { cluster: c, user: sa.user } : undefined;
  }

  delete(id: string): boolean {
    const c = this.clusters.get(id);
    if (!c) return false;
    this.byDigest.delete(digest(c.token));
    c.close();
    this.clusters.delete(id);
    this.observer?.deleted(c);
    return true;
  }

  list(): VirtualCluster[] {
    return [...this.clusters.values()];
  }

  summary(c: VirtualCluster): ClusterSummary {
    return { id: c.id, name: c.name, createdAt: c.createdAt, objects: c.store.total(), counts: c.store.counts() };
  }

  close() {
    for (const c of this.clusters.values()) c.close();
    this.clusters.clear();
    this.byDigest.clear();
  }
}
