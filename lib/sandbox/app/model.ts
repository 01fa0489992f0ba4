import type { ClusterContext } from "../context";
import { ENDPOINTS, NODE, SERVICE } from "../resources";
import type { KObject } from "../types";
import { SHOP_SERVICES, serviceNs, shopService, type Route, type ServiceModel } from "./catalog";

// The simulated application behind the service proxy (README, "Application model"). State is
// computed on request from what the controllers maintain (Endpoints: the Ready pods behind each
// service) and kept for one tick; an Endpoints change ends the tick at once, so a scale-down, a
// drain or a pod kill shows in the next answer. Nothing runs between requests.

/** How long a computed state serves before it is computed again (network rules may change). */
export const TICK_MS = 250;
/** Utilisation beyond which queueing no longer slows a service further: it sheds load instead. */
export const SATURATION = 0.9;
/** Longest a proxied answer is delayed, whatever the simulated latency. */
export const MAX_DELAY_MS = 3_000;
/** Latency of a service the model does not describe (anything but the demo shop). */
export const GENERIC_MS = 1;

export interface Backend {
  ip: string;
  pod: string;
  node: string | undefined;
  /** Endpoint port numbers by port name ("" for an unnamed port). */
  ports: Map<string, number>;
}

export interface ServiceState {
  model: ServiceModel;
  ready: Backend[];
  /** Offered load over what the Ready replicas can serve; Infinity with none. */
  utilisation: number;
  /** Own time per request, queueing included, without calls. */
  ownMs: number;
  /** Share of requests the service sheds itself (overload). */
  ownErrorShare: number;
}

export interface CallOutcome {
  service: string;
  optional: boolean;
  /** No Ready endpoint, or none the network lets the caller reach. */
  down: boolean;
  /** Share of these calls that fail (down, unreachable, or failing themselves). */
  failShare: number;
  latencyMs: number;
}

export interface RouteOutcome {
  /** Mean time of a successful request, calls included. */
  latencyMs: number;
  /** Share of requests answered with an error. */
  failShare: number;
  /** Share of requests the service itself sheds (503); the rest of failShare is from calls (502). */
  ownErrorShare: number;
  calls: CallOutcome[];
}

/** Queueing delay and load shedding of one service (README: the formulas). */
export function serviceFigures(m: ServiceModel, ready: number): { utilisation: number; ownMs: number; ownErrorShare: number } {
  const utilisation = ready > 0 ? m.loadRps / (ready * m.capacityRps) : Infinity;
  const ownMs = m.baseMs / (1 - Math.min(utilisation, SATURATION));
  const ownErrorShare = utilisation > 1 ? 1 - 1 / utilisation : 0;
  return { utilisation, ownMs, ownErrorShare };
}

/** Which route of a service a path takes: the longest matching prefix, "/" otherwise. */
export function routeKey(m: ServiceModel, path: string): string {
  let best = "/";
  for (const k of Object.keys(m.routes)) if (k !== "/" && (path === k || path.startsWith(k + "/")) && k.length > best.length) best = k;
  return best;
}

interface Accumulator {
  codes: Map<string, number>;
  buckets: number[];
  sum: number;
  count: number;
}

/** Upper bounds of the latency histogram, seconds. */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Share of requests of mean latency `meanS` that finish within `le` seconds: a shifted exponential
 * (nothing faster than half the mean, a tail beyond it), so quantiles move with the mean.
 */
export function latencyCdf(le: number, meanS: number): number {
  const floor = meanS / 2;
  if (le < floor) return 0;
  return 1 - Math.exp(-(le - floor) / (meanS - floor));
}

/** One cluster's application model. */
export class AppModel {
  private states = new Map<string, ServiceState>();
  private outcomes = new Map<string, RouteOutcome>();
  private computedAt = -Infinity;
  /** The fault set the state was computed with (lib/sandbox/faults): a change recomputes at once. */
  private faultsVersion = -1;
  private readonly acc = new Map<string, Accumulator>();
  private integratedTo: number;
  /** Error diffusion per route: a share s of failures fails exactly every 1/s-th request. */
  private readonly errorDebt = new Map<string, number>();
  private readonly rr = new Map<string, number>();

  constructor(
    private readonly c: ClusterContext,
    private readonly now: () => number = Date.now,
  ) {
    this.integratedTo = now();
    c.store.onChange((ev) => {
      if (ev.tkey !== "endpoints") return;
      const ns = ev.obj.metadata.namespace ?? "";
      if (!shopService(ns, ev.obj.metadata.name ?? "")) return;
      // Close the interval the old state governed and start the new one now, so the counters
      // turn exactly when the cluster did (a handful of services: cheap, and only on a change).
      this.integrate();
      this.recompute();
    });
  }

  /** The current state: computed again after every Endpoints change, and once per tick for the network. */
  private refresh() {
    if (this.now() - this.computedAt < TICK_MS && this.c.faults.version === this.faultsVersion) return;
    this.integrate();
    this.recompute();
  }

  private recompute() {
    const t = this.now();
    this.states = new Map();
    this.outcomes = new Map();
    for (const m of SHOP_SERVICES) {
      if (!this.c.store.get(SERVICE, m.ns, m.name)) continue;
      const ready = readyBackends(this.c, m.ns, m.name);
      this.states.set(`${m.ns}/${m.name}`, { model: m, ready, ...serviceFigures(m, ready.length) });
    }
    this.computedAt = t;
    this.faultsVersion = this.c.faults.version;
  }

  state(ns: string, name: string): ServiceState | undefined {
    this.refresh();
    return this.states.get(`${ns}/${name}`);
  }

  /** Outcome of a route of a modeled service (memoised for the tick). */
  outcome(ns: string, name: string, key: string): RouteOutcome | undefined {
    this.refresh();
    return this.outcomeOf(ns, name, key, 0);
  }

  private outcomeOf(ns: string, name: string, key: string, depth: number): RouteOutcome | undefined {
    const id = `${ns}/${name}${key}`;
    const memo = this.outcomes.get(id);
    if (memo) return memo;
    const st = this.states.get(`${ns}/${name}`);
    if (!st || st.ready.length === 0 || depth > 8) return undefined;
    const route: Route = st.model.routes[key] ?? st.model.routes["/"]!;
    let latencyMs = st.ownMs;
    let survive = 1 - st.ownErrorShare;
    const calls: CallOutcome[] = [];
    for (const cl of route.calls) {
      const dns = serviceNs(cl.to);
      const dep = this.outcomeOf(dns, cl.to, "/", depth + 1);
      const depState = this.states.get(`${dns}/${cl.to}`);
      const link = dep && depState ? this.link(st.ready, depState.ready, dns, cl.to) : { reach: 0, rttMs: 0 };
      const failShare = dep ? 1 - (1 - dep.failShare) * link.reach : 1;
      const callMs = dep && failShare < 1 ? dep.latencyMs + link.rttMs : 0;
      calls.push({ service: cl.to, optional: !!cl.optional, down: !dep || link.reach === 0, failShare, latencyMs: round(callMs) });
      latencyMs += callMs;
      if (!cl.optional) survive *= 1 - failShare;
    }
    const out = { latencyMs, failShare: 1 - survive, ownErrorShare: st.ownErrorShare, calls };
    this.outcomes.set(id, out);
    return out;
  }

  /**
   * Share of caller→callee pod pairs the simulated network connects, and their mean round trip:
   * the nodes' round trip and the admin interface's rules, plus what faults on either pod do
   * (lib/sandbox/faults): added latency, loss and partitions on the path, the caller's DNS
   * failing or slowing the callee's names, HTTP faults on the callee's `http` port (calls between
   * services are requests to `/`). A lossy pair counts by the share of calls that get through.
   */
  private link(from: Backend[], to: Backend[], ns: string, service: string): { reach: number; rttMs: number } {
    const svcIp = (this.c.store.get(SERVICE, ns, service)?.spec as { clusterIP?: string } | undefined)?.clusterIP;
    const names = [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`];
    const faults = this.c.faults;
    let ok = 0;
    let rtt = 0;
    for (const a of from)
      for (const b of to) {
        const r = this.c.network.rtt(nodeOf(this.c, a.node), nodeOf(this.c, b.node), 0);
        if (r === null) continue;
        const path = faults.path(a.ip, svcIp && svcIp !== "None" ? [b.ip, svcIp] : [b.ip]);
        const lookup = faults.dns(a.ip, names);
        if (path.partitioned || lookup.fail) continue;
        let pass = 1 - path.loss;
        let ms = r + path.extraMs + lookup.delayMs;
        for (const h of faults.http(b.ip, b.ports.get("http"), "/")) {
          ms += (h.delayMs * h.percent) / 100;
          if (h.status !== undefined) pass *= 1 - h.percent / 100;
        }
        ok += pass;
        rtt += ms * pass;
      }
    const pairs = from.length * to.length;
    return pairs ? { reach: ok / pairs, rttMs: ok ? rtt / ok : 0 } : { reach: 0, rttMs: 0 };
  }

  /** Whether this request fails, by error diffusion: deterministic, and exactly `share` of them. */
  decideFailure(id: string, share: number): boolean {
    if (share <= 0) return false;
    if (share >= 1) return true;
    const debt = (this.errorDebt.get(id) ?? 0) + share;
    const fail = debt >= 1;
    this.errorDebt.set(id, fail ? debt - 1 : debt);
    return fail;
  }

  /** The next backend in round-robin order (which pod answers). */
  pick<T>(id: string, list: T[]): T {
    const n = this.rr.get(id) ?? 0;
    this.rr.set(id, n + 1);
    return list[n % list.length]!;
  }

  /** Add the simulated traffic since the last call to the counters, at the current state. */
  private integrate() {
    const t = this.now();
    const dt = (t - this.integratedTo) / 1000;
    this.integratedTo = t;
    if (dt <= 0) return;
    for (const [key, st] of this.states) {
      if (st.ready.length === 0) continue;
      const a = this.accumulator(key);
      for (const [rk, r] of Object.entries(st.model.routes)) {
        const o = this.outcomeOf(st.model.ns, st.model.name, rk, 0);
        if (!o) continue;
        const n = st.model.loadRps * r.weight * dt;
        const shed = n * o.ownErrorShare;
        const failed = n * o.failShare;
        const ok = n - failed;
        add(a.codes, "200", ok);
        if (shed > 0) add(a.codes, "503", shed);
        if (failed - shed > 1e-12) add(a.codes, "502", failed - shed);
        const okS = o.latencyMs / 1000;
        const failS = st.ownMs / 1000;
        BUCKETS.forEach((le, i) => (a.buckets[i]! += ok * latencyCdf(le, okS) + failed * latencyCdf(le, failS)));
        a.sum += ok * okS + failed * failS;
        a.count += n;
      }
    }
  }

  private accumulator(key: string): Accumulator {
    let a = this.acc.get(key);
    if (!a) {
      a = { codes: new Map(), buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.acc.set(key, a);
    }
    return a;
  }

  /** Counters of the simulated traffic up to now, per modeled service present in the cluster. */
  counters(): { model: ServiceModel; ready: number; utilisation: number; acc: Accumulator }[] {
    this.refresh();
    this.integrate();
    return [...this.states].map(([key, st]) => ({ model: st.model, ready: st.ready.length, utilisation: st.utilisation, acc: this.accumulator(key) }));
  }
}

function add(m: Map<string, number>, k: string, v: number) {
  m.set(k, (m.get(k) ?? 0) + v);
}

const round = (x: number) => Math.round(x * 100) / 100;

function nodeOf(c: ClusterContext, name: string | undefined): KObject | undefined {
  return name ? c.store.get(NODE, "", name) : undefined;
}

type EndpointsLike = { subsets?: { addresses?: { ip: string; nodeName?: string; targetRef?: { name?: string } }[]; ports?: { name?: string; port: number }[] }[] };

/** Ready addresses of a service's Endpoints, with the ports each serves. */
export function readyBackends(c: ClusterContext, ns: string, name: string): Backend[] {
  const eps = c.store.get(ENDPOINTS, ns, name) as (KObject & EndpointsLike) | undefined;
  const out: Backend[] = [];
  for (const ss of eps?.subsets ?? []) {
    const ports = new Map((ss.ports ?? []).map((p) => [p.name ?? "", p.port]));
    for (const a of ss.addresses ?? []) out.push({ ip: a.ip, pod: a.targetRef?.name ?? "", node: a.nodeName, ports });
  }
  return out;
}

const models = new WeakMap<ClusterContext, AppModel>();

/** The application model of a cluster, made on first use. */
export function appModel(c: ClusterContext): AppModel {
  let m = models.get(c);
  if (!m) {
    m = new AppModel(c);
    models.set(c, m);
  }
  return m;
}
