import type { ClusterContext } from "../context";
import { bytes, cpuMilli } from "../quantity";
import { NODE, POD } from "../resources";
import type { KObject } from "../types";
import { isActive, mutate, type Obj } from "./util";

type Toleration = { key?: string; operator?: string; value?: string; effect?: string };
type Taint = { key: string; value?: string; effect: string };

export function tolerates(tols: Toleration[], taint: Taint): boolean {
  return tols.some(
    (t) =>
      (t.effect === undefined || t.effect === "" || t.effect === taint.effect) &&
      ((t.operator === "Exists" && (t.key === undefined || t.key === "" || t.key === taint.key)) ||
        (t.key === taint.key && (t.value ?? "") === (taint.value ?? ""))),
  );
}

export function nodeReady(n: KObject): boolean {
  return (((n.status as Obj | undefined)?.conditions ?? []) as Obj[]).some((c) => c.type === "Ready" && c.status === "True");
}

/** Taints of the node, including the one a cordon implies. */
export function taintsOf(n: KObject): Taint[] {
  const spec = (n.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
  const out = [...(spec.taints ?? [])];
  if (spec.unschedulable) out.push({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" });
  if (!nodeReady(n)) out.push({ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" });
  return out;
}

function affinityOk(spec: Obj, labels: Record<string, string>): boolean {
  const req = (((spec.affinity as Obj | undefined)?.nodeAffinity as Obj | undefined)?.requiredDuringSchedulingIgnoredDuringExecution as Obj | undefined)?.nodeSelectorTerms as Obj[] | undefined;
  if (!req || req.length === 0) return true;
  return req.some((term) =>
    ((term.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[]).every((e) => {
      const v = labels[e.key];
      switch (e.operator) {
        case "In":
          return v !== undefined && (e.values ?? []).includes(v);
        case "NotIn":
          return v === undefined || !(e.values ?? []).includes(v);
        case "Exists":
          return v !== undefined;
        case "DoesNotExist":
          return v === undefined;
        default:
          return true;
      }
    }),
  );
}

export function requests(p: KObject): { cpu: number; mem: number } {
  let cpu = 0;
  let mem = 0;
  for (const c of ((p.spec as { containers?: { resources?: { requests?: Obj } }[] }).containers ?? [])) {
    cpu += cpuMilli(c.resources?.requests?.cpu ?? 0);
    mem += bytes(c.resources?.requests?.memory ?? 0);
  }
  return { cpu, mem };
}

/** Whether the pod may run on the node, ignoring resources; the reason when it may not. */
export function fits(pod: KObject, node: KObject): string | null {
  const spec = (pod.spec ?? {}) as Obj;
  const labels = node.metadata.labels ?? {};
  const sel = (spec.nodeSelector ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  if (!affinityOk(spec, labels)) return "node(s) didn't match Pod's node affinity/selector";
  const tols = (spec.tolerations ?? []) as Toleration[];
  for (const t of taintsOf(node)) {
    if (t.effect === "PreferNoSchedule") continue;
    if (!tolerates(tols, t)) {
      if (t.key === "node.kubernetes.io/unschedulable") return "node(s) were unschedulable";
      return `node(s) had untolerated taint {${t.key}: ${t.value ?? ""}}`;
    }
  }
  return null;
}

/** Bind pending pods to nodes; pods that fit nowhere get PodScheduled=False with the reasons. */
export function schedule(ctx: ClusterContext, pods: KObject[]): string[] {
  const failed: string[] = [];
  if (pods.length === 0) return failed;
  const nodes = [...ctx.store.each(NODE)].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  const used = new Map<string, { cpu: number; mem: number; pods: number }>();
  const usage = (n: string) => {
    let u = used.get(n);
    if (!u) {
      u = { cpu: 0, mem: 0, pods: 0 };
      for (const e of ctx.store.podsByNode.get(n) ?? []) {
        if (!isActive(e.obj)) continue;
        const r = requests(e.obj);
        u.cpu += r.cpu;
        u.mem += r.mem;
        u.pods++;
      }
      used.set(n, u);
    }
    return u;
  };
  for (const pod of pods) {
    const req = requests(pod);
    let best: KObject | undefined;
    let bestScore = Infinity;
    const reasons = new Map<string, number>();
    const note = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    for (const n of nodes) {
      const why = fits(pod, n);
      if (why) {
        note(why);
        continue;
      }
      const alloc = ((n.status as Obj | undefined)?.allocatable ?? {}) as Obj;
      const cap = { cpu: cpuMilli(alloc.cpu ?? "4"), mem: bytes(alloc.memory ?? "16Gi"), pods: Number(alloc.pods ?? 110) };
      const u = usage(n.metadata.name!);
      if (u.pods + 1 > cap.pods) {
        note("Too many pods");
        continue;
      }
      if (u.cpu + req.cpu > cap.cpu) {
        note("Insufficient cpu");
        continue;
      }
      if (u.mem + req.mem > cap.mem) {
        note("Insufficient memory");
        continue;
      }
      const score = (u.cpu + req.cpu) / Math.max(1, cap.cpu) + (u.mem + req.mem) / Math.max(1, cap.mem) + u.pods / 1000;
      if (score < bestScore) {
        bestScore = score;
        best = n;
      }
    }
    if (best) {
      const nodeName = best.metadata.name!;
      const u = usage(nodeName);
      u.cpu += req.cpu;
      u.mem += req.mem;
      u.pods++;
      const at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const bound = mutate(ctx, POD, pod, (p) => {
        (p.spec as Obj).nodeName = nodeName;
        const st = (p.status ?? {}) as Obj;
        st.conditions = [{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: at }];
        p.status = st;
      });
      ctx.event(bound, "Normal", "Scheduled", `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, "default-scheduler");
    } else {
      const msg = `0/${nodes.length} nodes are available: ${[...reasons].map(([r, k]) => `${k} ${r}`).join(", ")}. preemption: 0/${nodes.length} nodes are available.`;
      failed.push(`${pod.metadata.namespace}/${pod.metadata.name}`);
      const prev = (((pod.status as Obj | undefined)?.conditions ?? []) as Obj[]).find((c) => c.type === "PodScheduled");
      if (prev?.message === msg) continue;
      const marked = mutate(ctx, POD, pod, (p) => {
        const st = (p.status ?? {}) as Obj;
        st.conditions = [{ type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"), reason: "Unschedulable", message: msg }];
        p.status = st;
      });
      ctx.event(marked, "Warning", "FailedScheduling", msg, "default-scheduler");
    }
  }
  return failed;
}
