import { randomUUID } from "node:crypto";
import { Allocator } from "./allocator";
import { WatchHub } from "./api/watch";
import type { ClusterContext, ClusterOptions } from "./context";
import { DEFAULT_OPTIONS } from "./context";
import { Controllers } from "./controllers";
import { FaultSimulator } from "./faults/simulator";
import type { FaultEffects } from "./faults/effects";
import { Network } from "./network";
import { nowIso, randomSuffix } from "./names";
import { TokenBucket } from "./limits";
import { CONFIGMAP, EVENT, RESOURCES } from "./resources";
import { Store } from "./store";
import type { KObject } from "./types";

const MAX_EVENTS = 1000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** One virtual cluster: its objects, watches, controllers and simulated network. */
export class VirtualCluster implements ClusterContext {
  readonly store: Store;
  readonly watches: WatchHub;
  readonly opts: ClusterOptions;
  readonly logs = new Map<string, string[]>();
  readonly network = new Network();
  readonly alloc = new Allocator();
  readonly controllers: Controllers;
  /** The fault runners of ephemeral containers, simulated (lib/sandbox/faults). */
  readonly simulator: FaultSimulator;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly eventKeys: string[] = [];
  private kickTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private closed = false;
  requests = 0;
  /** The CA of the API server's certificate, published in each namespace's kube-root-ca.crt. */
  caPem?: string;
  /** The cluster's request-rate limit (requestsPerSecond, requestBurst), read at every request. */
  readonly bucket: TokenBucket;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly token: string,
    readonly createdAt: string,
    opts: Partial<ClusterOptions> = {},
    historySize?: number,
  ) {
    this.opts = { ...DEFAULT_OPTIONS, ...opts };
    this.bucket = new TokenBucket(
      () => this.opts.requestsPerSecond,
      () => this.opts.requestBurst,
    );
    this.store = new Store({ historySize });
    this.watches = new WatchHub(this.store);
    this.controllers = new Controllers(this);
    this.simulator = new FaultSimulator(this, () => this.token);
    this.tickTimer = setInterval(() => this.guard(() => this.controllers.periodic()), 5000);
    this.tickTimer.unref();
  }

  private guard(fn: () => void) {
    if (this.closed) return;
    try {
      fn();
    } catch (e) {
      // A controller failure must not reach other clusters or the process.
      this.controllers.lastError = e instanceof Error ? e.message : String(e);
    }
  }

  later(ms: number, fn: () => void) {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.guard(fn);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  kick() {
    if (this.kickTimer || this.closed) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      this.guard(() => this.controllers.pass());
    }, 5);
    this.kickTimer.unref();
  }

  /** Run controllers now until nothing is left to do (tests and seeding). */
  settle(maxPasses = 20) {
    for (let i = 0; i < maxPasses && this.controllers.pass(); i++);
  }

  event(obj: KObject, type: "Normal" | "Warning", reason: string, message: string, component = "controller-manager") {
    if (!this.opts.events || this.closed) return;
    const ns = obj.metadata.namespace ?? "default";
    const now = nowIso();
    const name = `${obj.metadata.name}.${Date.now().toString(16)}${randomSuffix(3)}`;
    const ev: KObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: ns, creationTimestamp: now },
      involvedObject: {
        kind: obj.kind,
        apiVersion: obj.apiVersion,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: "",
    };
    this.store.put(EVENT, ev);
    this.eventKeys.push(`${ns}/${name}`);
    if (this.eventKeys.length > MAX_EVENTS) {
      const [ons, oname] = this.eventKeys.shift()!.split("/");
      this.store.remove(EVENT, ons!, oname!);
    }
  }

  /**
   * Makes this new, empty cluster a copy of `template` (a settled seed, lib/sandbox/seed/template.ts):
   * its objects with every uid renewed (owner references, events and log keys follow), the
   * addresses it handed out and its containers' logs. Nothing is left for the controllers to do.
   */
  copyFrom(template: VirtualCluster) {
    const uids = new Map<string, string>();
    const renew = (text: string) => text.replace(UUID, (u) => uids.get(u) ?? u);
    for (const t of RESOURCES) {
      if (t.virtual) continue;
      for (const e of template.store.sorted(t)) if (e.obj.metadata.uid) uids.set(e.obj.metadata.uid, randomUUID());
    }
    for (const t of RESOURCES) {
      if (t.virtual) continue;
      for (const e of template.store.sorted(t)) {
        const o = JSON.parse(renew(e.json().toString())) as KObject;
        // The template was made without this process's CA.
        if (t === CONFIGMAP && o.metadata.name === "kube-root-ca.crt") o.data = { "ca.crt": this.caPem ?? "" };
        const keep = o.metadata.resourceVersion;
        const stored = this.store.put(t, o, { silent: true });
        if (keep) stored.metadata.resourceVersion = keep;
      }
    }
    this.store.rv = Math.max(this.store.rv, template.store.rv);
    this.store.compact();
    this.alloc.copyFrom(template.alloc);
    for (const [key, lines] of template.logs) this.logs.set(renew(key), [...lines]);
    this.eventKeys.push(...template.eventKeys);
  }

  get faults(): FaultEffects {
    return this.simulator.effects;
  }

  podIp(node: string) {
    return this.alloc.podIp(node);
  }
  nodeIp(node: string) {
    return this.alloc.nodeIp(node);
  }
  serviceIp() {
    return this.alloc.serviceIp();
  }

  close() {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.kickTimer) clearTimeout(this.kickTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.watches.closeAll();
  }
}
