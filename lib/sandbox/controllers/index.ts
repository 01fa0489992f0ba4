import type { ClusterContext } from "../context";
import { startupLines } from "../logs";
import { DAEMONSET, DEPLOYMENT, JOB, NAMESPACE, POD, REPLICASET, STATEFULSET, type ResourceType } from "../resources";
import type { StoreEvent } from "../store";
import type { KObject } from "../types";
import { reconcileDaemonSet } from "./daemonset";
import { reconcileDeployment } from "./deployment";
import { reconcileJob } from "./job";
import { reconcileNamespace } from "./namespaces";
import { collectOrphanPods, heartbeat } from "./nodes";
import { reconcilePdbs } from "./pdb";
import { schedulePodStart } from "./pods";
import { scheduleEphemeralStart, unstartedEphemeral } from "./ephemeral";
import { reconcileReplicaSet } from "./replicaset";
import { schedule } from "./scheduler";
import { reconcileEndpoints } from "./services";
import { finishDeletion } from "./garbage";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, resourceOf } from "../objects";
import { reconcileStatefulSet } from "./statefulset";
import { controllerRef, phaseOf } from "./util";

const OWNER_TYPES: Record<string, ResourceType> = {
  ReplicaSet: REPLICASET,
  Deployment: DEPLOYMENT,
  DaemonSet: DAEMONSET,
  StatefulSet: STATEFULSET,
  Job: JOB,
};

/**
 * The control loops of one cluster. Store changes mark work as dirty; a pass (soon after a
 * change, coalesced) handles only what is dirty, so a cluster at rest costs nothing.
 */
export class Controllers {
  private readonly dirty = new Map<ResourceType, Set<string>>();
  private readonly dirtyNs = new Set<string>();
  private readonly unscheduled = new Set<string>();
  private readonly toStart = new Set<string>();
  private readonly starting = new Set<string>();
  /** Ephemeral containers waiting for their start (podUid/name). */
  private readonly startingEphemeral = new Set<string>();
  private readonly terminating = new Set<string>();
  /** Pods that fitted on no node at their last try. */
  private readonly stuck = new Set<string>();
  /** Objects being deleted in the foreground or orphaning their dependents (garbage.ts). */
  private readonly finalizing = new Map<string, { t: ResourceType; ns: string; name: string }>();
  private allDaemonSets = false;
  lastError: string | null = null;

  constructor(private readonly ctx: ClusterContext) {
    ctx.store.onChange((ev) => this.observe(ev));
  }

  private mark(t: ResourceType, ns: string, name: string) {
    let s = this.dirty.get(t);
    if (!s) this.dirty.set(t, (s = new Set()));
    s.add(`${ns}/${name}`);
  }

  private observe(ev: StoreEvent) {
    this.ctx.kick();
    const o = ev.obj;
    const ns = o.metadata.namespace ?? "";
    const name = o.metadata.name!;
    if (ev.type !== "DELETED" && o.metadata.deletionTimestamp && o.metadata.finalizers?.some((f) => f === ORPHAN_FINALIZER || f === FOREGROUND_FINALIZER)) {
      const t = resourceOf(o);
      if (t) this.finalizing.set(`${ev.tkey}/${ns}/${name}`, { t, ns, name });
    }
    switch (ev.tkey) {
      case "pods": {
        const ref = controllerRef(o);
        const ot = ref && OWNER_TYPES[ref.kind];
        if (ot) this.mark(ot, ns, ref.name);
        this.dirtyNs.add(ns);
        const spec = o.spec as { nodeName?: string };
        if (ev.type !== "DELETED" && !o.metadata.deletionTimestamp && phaseOf(o) === "Pending") {
          if (!spec.nodeName) this.unscheduled.add(`${ns}/${name}`);
          else this.toStart.add(`${ns}/${name}`);
        }
        if (ev.type === "DELETED" && this.stuck.size) this.retryUnscheduled();
        if (ev.type !== "DELETED" && unstartedEphemeral(o).length) scheduleEphemeralStart(this.ctx, o, this.startingEphemeral);
        break;
      }
      case "apps/replicasets": {
        this.mark(REPLICASET, ns, name);
        const ref = controllerRef(o);
        if (ref?.kind === "Deployment") this.mark(DEPLOYMENT, ns, ref.name);
        break;
      }
      case "apps/deployments":
        this.mark(DEPLOYMENT, ns, name);
        break;
      case "apps/daemonsets":
        this.mark(DAEMONSET, ns, name);
        break;
      case "apps/statefulsets":
        this.mark(STATEFULSET, ns, name);
        break;
      case "batch/jobs":
        this.mark(JOB, ns, name);
        break;
      case "nodes":
        if (ev.type === "MODIFIED" && JSON.stringify(ev.old?.spec) === JSON.stringify(o.spec) && JSON.stringify(ev.old?.metadata.labels) === JSON.stringify(o.metadata.labels)) {
          // A heartbeat: only readiness changes matter.
          const ready = (x: KObject | undefined) => JSON.stringify(((x?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).map((c) => c.status));
          if (ready(ev.old) === ready(o)) break;
        }
        this.allDaemonSets = true;
        this.retryUnscheduled();
        if (ev.type === "DELETED") this.ctx.later(0, () => collectOrphanPods(this.ctx, name));
        break;
      case "namespaces":
        if (o.metadata.deletionTimestamp && ev.type !== "DELETED") this.terminating.add(name);
        break;
      case "services":
      case "policy/poddisruptionbudgets":
        this.dirtyNs.add(ns);
        break;
    }
  }

  private retryUnscheduled() {
    this.pendingRetry = true;
  }
  private pendingRetry = false;

  /** Handle what is dirty; true when anything was. */
  pass(): boolean {
    const ctx = this.ctx;
    let did = false;
    if (this.pendingRetry) {
      this.pendingRetry = false;
      for (const k of this.stuck) this.unscheduled.add(k);
      this.stuck.clear();
    }
    if (this.allDaemonSets) {
      this.allDaemonSets = false;
      for (const ds of ctx.store.each(DAEMONSET)) this.mark(DAEMONSET, ds.metadata.namespace!, ds.metadata.name!);
    }
    for (const t of [DEPLOYMENT, REPLICASET, DAEMONSET, STATEFULSET, JOB]) {
      const set = this.dirty.get(t);
      if (!set || set.size === 0) continue;
      this.dirty.set(t, new Set());
      for (const key of set) {
        const [ns, name] = key.split("/") as [string, string];
        const o = ctx.store.get(t, ns, name);
        if (!o) continue;
        did = true;
        this.safely(() => {
          if (t === DEPLOYMENT) reconcileDeployment(ctx, o);
          else if (t === REPLICASET) reconcileReplicaSet(ctx, o);
          else if (t === DAEMONSET) reconcileDaemonSet(ctx, o);
          else if (t === STATEFULSET) reconcileStatefulSet(ctx, o);
          else reconcileJob(ctx, o);
        });
      }
    }
    if (this.unscheduled.size) {
      const keys = [...this.unscheduled];
      this.unscheduled.clear();
      const pods = keys
        .map((k) => k.split("/") as [string, string])
        .map(([ns, n]) => ctx.store.get(POD, ns, n))
        .filter((p): p is KObject => !!p && !(p.spec as { nodeName?: string }).nodeName && !p.metadata.deletionTimestamp);
      if (pods.length) {
        did = true;
        this.safely(() => {
          for (const k of schedule(ctx, pods)) this.stuck.add(k);
        });
      }
    }
    if (this.toStart.size) {
      const keys = [...this.toStart];
      this.toStart.clear();
      for (const k of keys) {
        const [ns, n] = k.split("/") as [string, string];
        const p = ctx.store.get(POD, ns, n);
        if (p && phaseOf(p) === "Pending" && (p.spec as { nodeName?: string }).nodeName && !p.metadata.deletionTimestamp) schedulePodStart(ctx, p, this.starting);
      }
    }
    if (this.dirtyNs.size) {
      const nss = [...this.dirtyNs];
      this.dirtyNs.clear();
      for (const ns of nss) {
        this.safely(() => reconcileEndpoints(ctx, ns));
        this.safely(() => reconcilePdbs(ctx, ns));
      }
    }
    for (const [key, f] of this.finalizing) {
      const o = ctx.store.get(f.t, f.ns, f.name);
      let done = true;
      this.safely(() => {
        done = !o || finishDeletion(ctx, f.t, o);
      });
      if (done) {
        this.finalizing.delete(key);
        did = true;
      }
    }
    if (this.terminating.size) {
      const nss = [...this.terminating];
      this.terminating.clear();
      for (const ns of nss) this.safely(() => reconcileNamespace(ctx, ns));
      did = true;
    }
    if (did) ctx.kick();
    return did;
  }

  /** After a restore: look at everything once, and give running containers their logs back. */
  resyncAll() {
    const ctx = this.ctx;
    for (const t of [DEPLOYMENT, REPLICASET, DAEMONSET, STATEFULSET, JOB]) for (const o of ctx.store.each(t)) this.mark(t, o.metadata.namespace!, o.metadata.name!);
    for (const p of ctx.store.each(POD)) {
      const key = `${p.metadata.namespace}/${p.metadata.name}`;
      this.dirtyNs.add(p.metadata.namespace!);
      if (phaseOf(p) === "Pending") ((p.spec as { nodeName?: string }).nodeName ? this.toStart : this.unscheduled).add(key);
      else if (phaseOf(p) === "Running") {
        for (const c of (p.spec as { containers?: { name: string }[] }).containers ?? []) ctx.logs.set(`${p.metadata.uid}/${c.name}`, startupLines(p, c));
        scheduleEphemeralStart(ctx, p, this.startingEphemeral);
      }
    }
    for (const n of ctx.store.each(NAMESPACE)) if (n.metadata.deletionTimestamp) this.terminating.add(n.metadata.name!);
    ctx.kick();
  }

  /** Work on a timer: heartbeats and another try for pods that did not fit. */
  periodic() {
    this.safely(() => heartbeat(this.ctx));
    this.retryUnscheduled();
    this.ctx.kick();
  }

  private safely(fn: () => void) {
    try {
      fn();
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
    }
  }
}
