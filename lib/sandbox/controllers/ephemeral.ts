import type { ClusterContext } from "../context";
import { ephemeralContainersOf } from "../ephemeral";
import { exitCode, startupLines } from "../logs";
import { nowIso, randomSuffix } from "../names";
import { POD } from "../resources";
import type { KObject } from "../types";
import { mutate, phaseOf, type Obj } from "./util";

// The kubelet's side of ephemeral containers: once one is in a Running pod's spec, it is pulled,
// created and started (events as the kubelet writes them) and gets its entry in
// status.ephemeralContainerStatuses. It is never restarted: when it ends (its command's `exit N`,
// or the fault runner simulation in lib/sandbox/faults ending it) its state becomes terminated.

type Container = { name: string; image?: string; command?: string[]; args?: string[] };

export const imageIdOf = (image: string) => `docker.io/library/${image.split(":")[0]}@sha256:${Buffer.from(image).toString("hex").padEnd(64, "0").slice(0, 64)}`;
const containerId = () => `containerd://${randomSuffix(12)}${randomSuffix(12)}`;

export const ephemeralStatusesOf = (p: KObject): Obj[] => {
  const list = (p.status as { ephemeralContainerStatuses?: unknown } | undefined)?.ephemeralContainerStatuses;
  return Array.isArray(list) ? (list as Obj[]) : [];
};

/** Ephemeral containers of the pod that the kubelet has not started yet. */
export function unstartedEphemeral(p: KObject): Container[] {
  if (phaseOf(p) !== "Running" || p.metadata.deletionTimestamp) return [];
  const started = new Set(ephemeralStatusesOf(p).map((s) => s.name));
  return (ephemeralContainersOf(p) as unknown as Container[]).filter((c) => !started.has(c.name));
}

/** Start the pod's new ephemeral containers after the cluster's start delay. */
export function scheduleEphemeralStart(ctx: ClusterContext, pod: KObject, starting: Set<string>) {
  const uid = pod.metadata.uid!;
  for (const c of unstartedEphemeral(pod)) {
    const key = `${uid}/${c.name}`;
    if (starting.has(key)) continue;
    starting.add(key);
    ctx.later(ctx.opts.podStartDelayMs, () => {
      starting.delete(key);
      const p = ctx.store.get(POD, pod.metadata.namespace!, pod.metadata.name!);
      if (!p || p.metadata.uid !== uid || !unstartedEphemeral(p).some((x) => x.name === c.name)) return;
      startEphemeral(ctx, p, c);
    });
  }
}

function startEphemeral(ctx: ClusterContext, p: KObject, c: Container) {
  const at = nowIso();
  const started = mutate(ctx, POD, p, (n) => {
    const st = (n.status ??= {}) as Obj;
    st.ephemeralContainerStatuses = [
      ...ephemeralStatusesOf(n),
      { name: c.name, state: { running: { startedAt: at } }, lastState: {}, ready: false, restartCount: 0, image: c.image, imageID: imageIdOf(c.image ?? ""), containerID: containerId() },
    ];
  });
  ctx.logs.set(`${started.metadata.uid}/${c.name}`, startupLines(started, c));
  ctx.event(started, "Normal", "Pulled", `Container image "${c.image}" already present on machine`, "kubelet");
  ctx.event(started, "Normal", "Created", `Created container ${c.name}`, "kubelet");
  ctx.event(started, "Normal", "Started", `Started container ${c.name}`, "kubelet");
  const code = exitCode(c);
  if (code !== undefined) {
    const uid = started.metadata.uid;
    ctx.later(Math.min(ctx.opts.jobRunMs, 1000), () => {
      const cur = ctx.store.get(POD, p.metadata.namespace!, p.metadata.name!);
      if (cur && cur.metadata.uid === uid) endEphemeral(ctx, cur, c.name, code);
    });
  }
}

/** Mark a running ephemeral container terminated with its exit code (it is never restarted). */
export function endEphemeral(ctx: ClusterContext, p: KObject, name: string, code: number, message?: string) {
  const cur = ephemeralStatusesOf(p).find((s) => s.name === name);
  const running = (cur?.state as { running?: { startedAt?: string } } | undefined)?.running;
  if (!cur || !running) return;
  const terminated = { exitCode: code, reason: code === 0 ? "Completed" : "Error", ...(message ? { message } : {}), startedAt: running.startedAt, finishedAt: nowIso(), containerID: cur.containerID };
  mutate(ctx, POD, p, (n) => {
    const st = n.status as Obj;
    st.ephemeralContainerStatuses = ephemeralStatusesOf(n).map((s) => (s.name === name ? { ...s, state: { terminated } } : s));
  });
  ctx.kick();
}
