import type { ClusterContext } from "../context";
import { commandLine, exitCode, startupLines } from "../logs";
import { isoAt, nowIso, randomSuffix } from "../names";
import { isProbe, probeLines } from "../probe";
import { NODE, POD } from "../resources";
import type { KObject } from "../types";
import { controllerRef, mutate, phaseOf, type Obj } from "./util";

type Container = { name: string; image?: string; command?: string[]; args?: string[] };

const containersOf = (p: KObject) => ((p.spec as { containers?: Container[] }).containers ?? []);
const restartPolicy = (p: KObject) => String((p.spec as { restartPolicy?: string }).restartPolicy ?? "Always");

function cond(type: string, ok: boolean, at: string) {
  return { type, status: ok ? "True" : "False", lastProbeTime: null, lastTransitionTime: at };
}

const imageId = (image: string) => `docker.io/library/${image.split(":")[0]}@sha256:${Buffer.from(image).toString("hex").padEnd(64, "0").slice(0, 64)}`;

function runningStatus(p: KObject, ready: boolean, restarts: number[], at: string): Obj {
  return {
    containerStatuses: containersOf(p).map((c, i) => ({
      name: c.name,
      state: { running: { startedAt: at } },
      lastState: {},
      ready,
      restartCount: restarts[i] ?? 0,
      image: c.image,
      imageID: imageId(c.image ?? ""),
      containerID: `containerd://${randomSuffix(12)}${randomSuffix(12)}`,
      started: true,
    })),
  };
}

/** Move a bound Pending pod to Running after the configured delay. */
export function schedulePodStart(ctx: ClusterContext, pod: KObject, starting: Set<string>) {
  const uid = pod.metadata.uid!;
  if (starting.has(uid)) return;
  starting.add(uid);
  ctx.later(ctx.opts.podStartDelayMs, () => {
    starting.delete(uid);
    const p = ctx.store.get(POD, pod.metadata.namespace!, pod.metadata.name!);
    if (!p || p.metadata.uid !== uid || p.metadata.deletionTimestamp || phaseOf(p) !== "Pending") return;
    startPod(ctx, p);
  });
}

/** Start a pod's containers now: status, IP, logs, events, and the timers of its end. */
export function startPod(ctx: ClusterContext, p: KObject, quiet = false) {
  const nodeName = (p.spec as { nodeName?: string }).nodeName!;
  const node = ctx.store.get(NODE, "", nodeName);
  const at = nowIso();
  const hostNetwork = (p.spec as { hostNetwork?: boolean }).hostNetwork === true;
  const podIP = hostNetwork ? ctx.nodeIp(nodeName) : ctx.podIp(nodeName);
  const started = mutate(ctx, POD, p, (n) => {
    const prev = (n.status ?? {}) as Obj;
    n.status = {
      ...prev,
      phase: "Running",
      conditions: [cond("PodReadyToStartContainers", true, at), cond("Initialized", true, at), cond("Ready", true, at), cond("ContainersReady", true, at), cond("PodScheduled", true, (prev.startTime as string) ?? at)],
      hostIP: node ? ctx.nodeIp(nodeName) : undefined,
      hostIPs: node ? [{ ip: ctx.nodeIp(nodeName) }] : undefined,
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: at,
      ...runningStatus(n, true, [], at),
    };
  });
  for (const c of containersOf(started)) {
    const lines = isProbe(started) && c === containersOf(started)[0] ? probeLines(ctx, ctx.network, started) : startupLines(started, c);
    ctx.logs.set(`${started.metadata.uid}/${c.name}`, lines);
    if (!quiet) {
      ctx.event(started, "Normal", "Pulled", `Container image "${c.image}" already present on machine`, "kubelet");
      ctx.event(started, "Normal", "Started", `Started container ${c.name}`, "kubelet");
    }
  }
  planEnd(ctx, started);
}

/** Decide whether and when the pod's main container stops by itself. */
function planEnd(ctx: ClusterContext, p: KObject) {
  const c = containersOf(p)[0];
  if (!c) return;
  const code = exitCode(c);
  const isJob = controllerRef(p)?.kind === "Job";
  const probe = isProbe(p);
  const runsOnce = restartPolicy(p) !== "Always";
  if (code === undefined && !isJob && !(probe && runsOnce)) return;
  const ms = probe ? 300 : isJob ? ctx.opts.jobRunMs : Math.min(ctx.opts.jobRunMs, 1000);
  const uid = p.metadata.uid;
  ctx.later(ms, () => {
    const cur = ctx.store.get(POD, p.metadata.namespace!, p.metadata.name!);
    if (!cur || cur.metadata.uid !== uid || cur.metadata.deletionTimestamp || phaseOf(cur) !== "Running") return;
    containerExited(ctx, cur, code ?? 0);
  });
}

function containerExited(ctx: ClusterContext, p: KObject, code: number) {
  const policy = restartPolicy(p);
  const restart = policy === "Always" || (policy === "OnFailure" && code !== 0);
  const at = nowIso();
  const startedAt = ((p.status as Obj).startTime as string) ?? at;
  const terminated = { exitCode: code, reason: code === 0 ? "Completed" : "Error", startedAt, finishedAt: at, containerID: `containerd://${randomSuffix(24)}` };
  if (!restart) {
    const done = mutate(ctx, POD, p, (n) => {
      const st = n.status as Obj;
      st.phase = code === 0 ? "Succeeded" : "Failed";
      st.conditions = [cond("PodReadyToStartContainers", false, at), cond("Initialized", true, startedAt), { ...cond("Ready", false, at), reason: "PodCompleted" }, { ...cond("ContainersReady", false, at), reason: "PodCompleted" }, cond("PodScheduled", true, startedAt)];
      st.containerStatuses = ((st.containerStatuses ?? []) as Obj[]).map((cs) => ({ ...cs, ready: false, started: false, state: { terminated } }));
    });
    if (code !== 0) ctx.logs.get(`${done.metadata.uid}/${containersOf(done)[0]!.name}`)?.push(`command exited with code ${code}: ${commandLine(containersOf(done)[0]!)}`);
    ctx.kick();
    return;
  }
  const crashed = mutate(ctx, POD, p, (n) => {
    const st = n.status as Obj;
    st.conditions = ((st.conditions ?? []) as Obj[]).map((c) => (c.type === "Ready" || c.type === "ContainersReady" ? { ...c, status: "False", lastTransitionTime: at, reason: "ContainersNotReady" } : c));
    st.containerStatuses = ((st.containerStatuses ?? []) as Obj[]).map((cs, i) =>
      i === 0
        ? { ...cs, ready: false, started: false, restartCount: Number(cs.restartCount ?? 0) + 1, lastState: { terminated }, state: { waiting: { reason: "CrashLoopBackOff", message: `back-off restarting failed container ${String(cs.name)}` } } }
        : cs,
    );
  });
  ctx.event(crashed, "Warning", "BackOff", `Back-off restarting failed container ${containersOf(crashed)[0]!.name}`, "kubelet");
  const uid = crashed.metadata.uid;
  ctx.later(ctx.opts.restartBackoffMs, () => {
    const cur = ctx.store.get(POD, p.metadata.namespace!, p.metadata.name!);
    if (!cur || cur.metadata.uid !== uid || cur.metadata.deletionTimestamp) return;
    const at2 = nowIso();
    const back = mutate(ctx, POD, cur, (n) => {
      const st = n.status as Obj;
      st.conditions = ((st.conditions ?? []) as Obj[]).map((c) => (c.type === "Ready" || c.type === "ContainersReady" ? { type: c.type, status: "True", lastProbeTime: null, lastTransitionTime: at2 } : c));
      st.containerStatuses = ((st.containerStatuses ?? []) as Obj[]).map((cs) => ({ ...cs, ready: true, started: true, state: { running: { startedAt: at2 } } }));
    });
    ctx.kick();
    planEnd(ctx, back);
  });
  ctx.kick();
}

export const podStartTime = (p: KObject) => Date.parse(((p.status as Obj | undefined)?.startTime as string) ?? p.metadata.creationTimestamp ?? isoAt(Date.now()));
