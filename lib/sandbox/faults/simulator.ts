// The fault runner, simulated. When an ephemeral container carrying the runner (its image is
// PYSTOL_RUNNER_IMAGE, or it has PYSTOL_FAULT_SPEC) starts in a pod, the sandbox does what the
// runner would (docs/fault-runner.md): it reads the spec with the runner's own schema, checks its
// Lease in this cluster's store with the container's token, holds the fault's effect in the
// cluster's models (effects.ts) and ends it by itself: after `durationSeconds`, when the Lease is
// released or deleted, when it is not renewed for its leaseDurationSeconds (the runner's own
// LeaseWatch judges it), when the pod is deleted (the kubelet's SIGTERM), or after the last round
// of a process fault. Then it restores the model and the container terminates with the runner's
// exit code: 0 ran and ended, 1 did not start, 2 invalid input.
//
// State lives in the pod itself (the container's spec and its running status with its start
// time), so a sandbox restored from a snapshot takes its faults up again; one whose time passed
// meanwhile ends at once.
import { z } from "zod";
import { LeaseWatch, type LeaseReading, type LeaseSource } from "@/runner/lease";
import { parseFaultSpec, SpecError, type FaultSpec } from "@/runner/spec";
import { API_AUDIENCE, verifyToken, requestAttributes, ADMIN_USER } from "../authn";
import type { ClusterContext } from "../context";
import { endEphemeral, ephemeralStatusesOf } from "../controllers/ephemeral";
import { ephemeralContainersOf } from "../ephemeral";
import { authorize } from "../rbac";
import { ENDPOINTS, LEASE, POD, SERVICE } from "../resources";
import type { StoreEvent } from "../store";
import type { KObject } from "../types";
import { FaultEffects, parseCidr, type ActiveFault, type Network4 } from "./effects";
import { killContainer } from "./process-kill";

export const DEFAULT_RUNNER_IMAGE = "pystol-fault-runner:local";
export const runnerImage = () => process.env.PYSTOL_RUNNER_IMAGE || DEFAULT_RUNNER_IMAGE;

/** The runner's default lease poll (runner/main.ts). */
const DEFAULT_POLL_MS = 500;

const leaseConfig = z.object({
  kind: z.literal("kubernetes"),
  namespace: z.string().min(1).max(253),
  name: z.string().min(1).max(253),
  pollMs: z.number().int().min(100).max(10_000).optional(),
});

type Env = { name: string; value?: string }[];
type EphemeralContainer = { name: string; image?: string; env?: Env; targetContainerName?: string };

const envOf = (c: EphemeralContainer) => Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));

export const isRunner = (c: EphemeralContainer) => c.image === runnerImage() || (c.env ?? []).some((e) => e.name === "PYSTOL_FAULT_SPEC");

/** A held fault as `GET /clusters/:id/faults` lists it. */
export interface HeldFaultSummary {
  namespace: string;
  pod: string;
  container: string;
  id: string;
  kind: string;
  startedAt: string;
  endsAt: string;
  roundsDone?: number;
  rounds?: number;
}

class Refusal extends Error {
  constructor(
    readonly code: 1 | 2 | 3,
    readonly event: "invalid" | "not-started" | "crashed",
    message: string,
  ) {
    super(message);
  }
}

interface Held {
  fault: ActiveFault;
  watch: LeaseWatch;
  pollMs: number;
  endsAt: number;
  rounds: number;
  roundsDone: number;
  intervalMs: number;
  ending: boolean;
}

/** Reads a Lease from the cluster's store as the runner would through the API: with its token, under RBAC. */
class StoreLeaseSource implements LeaseSource {
  readonly description: string;
  readonly exemptions = [];
  constructor(
    private readonly ctx: ClusterContext,
    private readonly clusterToken: string,
    private readonly ns: string,
    private readonly name: string,
    private readonly token: string,
  ) {
    this.description = `Lease ${ns}/${name}`;
  }

  read(): Promise<LeaseReading> {
    const user = this.token === this.clusterToken ? ADMIN_USER : verifyToken(this.ctx.store, this.clusterToken, this.token, API_AUDIENCE)?.user;
    if (!user) return Promise.reject(new Error(`${this.description}: the API server answered 401`));
    const path = `/apis/coordination.k8s.io/v1/namespaces/${this.ns}/leases/${this.name}`;
    if (!authorize(this.ctx.store, requestAttributes(user, "GET", path, new URLSearchParams())).allowed)
      return Promise.reject(new Error(`${this.description}: the API server answered 403`));
    const lease = this.ctx.store.get(LEASE, this.ns, this.name);
    if (!lease) return Promise.resolve({ state: "released", reason: "the lease was deleted" });
    const spec = (lease.spec ?? {}) as { holderIdentity?: string | null; renewTime?: string | null; leaseDurationSeconds?: number | null };
    if (!spec.holderIdentity) return Promise.resolve({ state: "released", reason: "the lease has no holder" });
    if (!spec.renewTime || !spec.leaseDurationSeconds) return Promise.resolve({ state: "released", reason: "the lease has no renew time or duration" });
    return Promise.resolve({ state: "held", holder: spec.holderIdentity, renewTime: spec.renewTime, durationSeconds: spec.leaseDurationSeconds });
  }
}

const logLine = (event: string, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level: event === "invalid" || event === "not-started" ? 50 : 30, time: Date.now(), name: "fault-runner", event, ...extra, msg });

/** One cluster's simulated runners. */
export class FaultSimulator {
  readonly effects = new FaultEffects();
  private readonly held = new Map<string, Held>();
  /** Runner containers already taken up (started, refused or ended): never twice. */
  private readonly seen = new Set<string>();
  /** Runner containers taken up again after a restore: their past rounds are not repeated. */
  private readonly restored = new Set<string>();

  constructor(
    private readonly ctx: ClusterContext,
    private readonly clusterToken: () => string,
  ) {
    ctx.store.onChange((ev) => this.observe(ev));
  }

  private observe(ev: StoreEvent) {
    if (ev.tkey === "pods") this.observePod(ev.type === "DELETED", ev.obj);
  }

  private observePod(deleted: boolean, p: KObject) {
    const uid = p.metadata.uid ?? "";
    if (deleted) {
      for (const h of this.held.values()) if (h.fault.podUid === uid) this.finish(h, "stopped", false);
      for (const key of this.seen) if (key.startsWith(`${uid}/`)) this.seen.delete(key);
      return;
    }
    if (p.metadata.deletionTimestamp) {
      // The kubelet sends SIGTERM to every container of a pod being deleted.
      for (const h of this.held.values()) if (h.fault.podUid === uid && !h.ending) this.ctx.later(0, () => this.finish(h, "stopped", true));
      return;
    }
    for (const c of this.runningRunners(p)) {
      const key = `${uid}/${c.name}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const ns = p.metadata.namespace!;
      const name = p.metadata.name!;
      this.ctx.later(0, () => {
        const cur = this.ctx.store.get(POD, ns, name);
        if (cur && cur.metadata.uid === uid) this.start(cur, c);
      });
    }
  }

  /** After a restore from a snapshot: take up the runners the pods say are running. */
  resync() {
    for (const p of this.ctx.store.each(POD)) {
      if (p.metadata.deletionTimestamp) continue;
      for (const c of this.runningRunners(p)) this.restored.add(`${p.metadata.uid}/${c.name}`);
      this.observePod(false, p);
    }
  }

  private runningRunners(p: KObject): EphemeralContainer[] {
    const running = new Set(ephemeralStatusesOf(p).filter((s) => (s.state as { running?: unknown } | undefined)?.running).map((s) => s.name));
    return (ephemeralContainersOf(p) as unknown as EphemeralContainer[]).filter((c) => running.has(c.name) && isRunner(c));
  }

  private log(p: KObject, container: string, line: string, replace = false) {
    const key = `${p.metadata.uid}/${container}`;
    if (replace || !this.ctx.logs.has(key)) this.ctx.logs.set(key, [line]);
    else this.ctx.logs.get(key)!.push(line);
  }

  private start(p: KObject, c: EphemeralContainer) {
    let spec: FaultSpec;
    let pollMs: number;
    let source: StoreLeaseSource;
    try {
      const env = envOf(c);
      if (!env.PYSTOL_FAULT_SPEC) throw new Refusal(2, "invalid", "No fault spec: pass --spec JSON or set PYSTOL_FAULT_SPEC.");
      try {
        spec = parseFaultSpec(env.PYSTOL_FAULT_SPEC);
      } catch (e) {
        throw new Refusal(2, "invalid", e instanceof SpecError ? e.message : String(e));
      }
      if (!env.PYSTOL_LEASE) throw new Refusal(2, "invalid", "PYSTOL_LEASE is not set: a fault runner never runs without a lease that ends its fault.");
      let raw: unknown;
      try {
        raw = JSON.parse(env.PYSTOL_LEASE);
      } catch {
        throw new Refusal(2, "invalid", "PYSTOL_LEASE is not JSON.");
      }
      const lease = leaseConfig.safeParse(raw);
      if (!lease.success) throw new Refusal(2, "invalid", `PYSTOL_LEASE is not valid: ${lease.error.issues.map((i) => `${i.path.join(".") || "lease"}: ${i.message}`).join("; ")}`);
      if (!env.PYSTOL_LEASE_TOKEN) throw new Refusal(2, "invalid", "PYSTOL_LEASE_TOKEN is not set: reading a Kubernetes Lease needs a token.");
      pollMs = lease.data.pollMs ?? DEFAULT_POLL_MS;
      source = new StoreLeaseSource(this.ctx, this.clusterToken(), lease.data.namespace, lease.data.name, env.PYSTOL_LEASE_TOKEN);
    } catch (e) {
      if (e instanceof Refusal) return this.refuse(p, c.name, e);
      throw e;
    }
    const watch = new LeaseWatch(source);
    void watch.check().then((first) => {
      const cur = this.ctx.store.get(POD, p.metadata.namespace!, p.metadata.name!);
      if (!cur || cur.metadata.uid !== p.metadata.uid) return;
      if (!first.ok) return this.refuse(cur, c.name, new Refusal(1, "not-started", `Not starting: ${first.reason}.`));
      let networks: Network4[] = [];
      if (spec.fault.kind === "network-partition") {
        const resolved = this.resolve(spec.fault.hosts, cur.metadata.namespace!);
        if (typeof resolved === "string") return this.refuse(cur, c.name, new Refusal(1, "not-started", `Not starting: ${resolved}.`));
        networks = [...spec.fault.cidrs.map(parseCidr).filter((n): n is Network4 => !!n), ...resolved];
      }
      const running = ephemeralStatusesOf(cur).find((s) => s.name === c.name)?.state as { running?: { startedAt?: string } } | undefined;
      // The status keeps whole seconds: a fault taken up after a restore counts from it, a new one from now.
      const restored = this.restored.has(`${cur.metadata.uid}/${c.name}`);
      const startedAt = (restored && Date.parse(running?.running?.startedAt ?? "")) || Date.now();
      const f = spec.fault;
      const fault: ActiveFault = {
        key: `${cur.metadata.uid}/${c.name}`,
        ns: cur.metadata.namespace!,
        pod: cur.metadata.name!,
        podUid: cur.metadata.uid!,
        ip: (cur.status as { podIP?: string } | undefined)?.podIP,
        container: c.name,
        target: c.targetContainerName,
        spec,
        startedAt,
        networks,
      };
      const h: Held = {
        fault,
        watch,
        pollMs,
        endsAt: startedAt + spec.durationSeconds * 1000,
        rounds: f.kind === "process-kill" ? f.rounds : 0,
        // Taken up after a restore: the rounds whose time passed were done before.
        roundsDone: f.kind === "process-kill" && restored ? Math.min(f.rounds, Math.floor((Date.now() - startedAt) / (f.intervalSeconds * 1000)) + 1) : 0,
        intervalMs: f.kind === "process-kill" ? f.intervalSeconds * 1000 : 0,
        ending: false,
      };
      this.held.set(fault.key, h);
      this.effects.add(fault);
      this.log(cur, c.name, logLine("applied", `applied ${f.kind}`, { id: spec.id, fault: f }), true);
      this.tick(h);
    }).catch((e: unknown) => this.crashed(p, c.name, e));
  }

  /** A failure of the simulation itself: the runner's "crashed" (exit 3), the effect gone. */
  private crashed(p: KObject, container: string, e: unknown) {
    const h = this.held.get(`${p.metadata.uid}/${container}`);
    if (h) {
      h.ending = true;
      this.held.delete(h.fault.key);
      this.effects.remove(h.fault.key);
    }
    const cur = this.ctx.store.get(POD, p.metadata.namespace!, p.metadata.name!);
    if (cur && cur.metadata.uid === p.metadata.uid) this.refuse(cur, container, new Refusal(3, "crashed", `the fault runner failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Host names as the runner resolves them once at start: services (ClusterIP, or pod addresses when headless). */
  private resolve(hosts: string[], ns: string): Network4[] | string {
    const out: Network4[] = [];
    for (const host of hosts) {
      const labels = host.replace(/\.$/, "").split(".");
      const [svc, svcNs = ns, kind] = labels;
      const suffixOk = labels.length <= 2 || (kind === "svc" && (labels.length === 3 || labels.slice(3).join(".") === "cluster.local"));
      const s = suffixOk && svc ? this.ctx.store.get(SERVICE, svcNs, svc) : undefined;
      if (!s) return `cannot resolve ${host}`;
      const ip = (s.spec as { clusterIP?: string }).clusterIP;
      if (ip && ip !== "None") out.push(parseCidr(ip)!);
      else {
        const eps = this.ctx.store.get(ENDPOINTS, svcNs, svc!) as (KObject & { subsets?: { addresses?: { ip: string }[] }[] }) | undefined;
        for (const a of (eps?.subsets ?? []).flatMap((x) => x.addresses ?? [])) out.push(parseCidr(a.ip)!);
      }
    }
    return out;
  }

  private refuse(p: KObject, container: string, r: Refusal) {
    this.log(p, container, logLine(r.event, r.message), true);
    endEphemeral(this.ctx, p, container, r.code, logLine(r.event, r.message));
  }

  /** One look at a held fault: its rounds, its duration, its lease; then the next look. */
  private tick(h: Held) {
    if (h.ending || !this.held.has(h.fault.key)) return;
    const now = Date.now();
    if (h.rounds > 0) {
      while (h.roundsDone < h.rounds && now >= h.fault.startedAt + h.roundsDone * h.intervalMs) {
        h.roundsDone++;
        this.round(h);
      }
      if (h.roundsDone >= h.rounds) return this.finish(h, "rounds done", true);
    }
    if (now >= h.endsAt) return this.finish(h, "duration", true);
    void h.watch.check().then((v) => {
      if (h.ending || !this.held.has(h.fault.key)) return;
      if (!v.ok) return this.finish(h, "lease", true, v.reason);
      const next = Math.min(h.pollMs, h.endsAt - Date.now(), h.rounds > 0 ? h.fault.startedAt + h.roundsDone * h.intervalMs - Date.now() : Infinity);
      this.ctx.later(Math.max(1, next), () => this.tick(h));
    }).catch((e: unknown) => {
      const p = this.ctx.store.get(POD, h.fault.ns, h.fault.pod);
      if (p && p.metadata.uid === h.fault.podUid) this.crashed(p, h.fault.container, e);
    });
  }

  private round(h: Held) {
    const f = h.fault.spec.fault;
    if (f.kind !== "process-kill") return;
    const p = this.ctx.store.get(POD, h.fault.ns, h.fault.pod);
    if (!p || p.metadata.uid !== h.fault.podUid) return;
    const killed = h.fault.target ? killContainer(this.ctx, p, h.fault.target, f.signal) : false;
    this.log(p, h.fault.container, logLine("round", `round ${h.roundsDone} of ${h.rounds}`, { round: h.roundsDone, signal: f.signal, killed: killed ? 1 : 0 }));
  }

  /** End a fault: its effect leaves the models first, then the container terminates (exit 0). */
  private finish(h: Held, reason: string, writeStatus: boolean, detail?: string) {
    if (h.ending) return;
    h.ending = true;
    this.held.delete(h.fault.key);
    this.effects.remove(h.fault.key);
    const p = this.ctx.store.get(POD, h.fault.ns, h.fault.pod);
    if (!p || p.metadata.uid !== h.fault.podUid) return;
    this.log(p, h.fault.container, logLine("ending", `ending the fault: ${detail ?? reason}`, { reason }));
    this.log(p, h.fault.container, logLine("removed", "the fault is removed", { errors: [] }));
    if (writeStatus) endEphemeral(this.ctx, p, h.fault.container, 0);
  }

  /** The faults held now (tests, the README's walk-through). */
  list(): ActiveFault[] {
    return [...this.effects.active.values()];
  }

  /** The faults held now as the admin interface shows them. */
  summaries(): HeldFaultSummary[] {
    return [...this.held.values()].map((h) => ({
      namespace: h.fault.ns,
      pod: h.fault.pod,
      container: h.fault.container,
      id: h.fault.spec.id,
      kind: h.fault.spec.fault.kind,
      startedAt: new Date(h.fault.startedAt).toISOString(),
      endsAt: new Date(h.endsAt).toISOString(),
      ...(h.rounds > 0 ? { roundsDone: h.roundsDone, rounds: h.rounds } : {}),
    }));
  }
}
