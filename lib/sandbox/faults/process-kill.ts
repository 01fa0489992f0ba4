// A process fault's round in the simulated kubelet: the target container's main process dies of
// the signal, so the container terminates (exit 128 + signal number, reason Error), the pod is not
// Ready meanwhile (its Endpoints drop it), and the kubelet restarts it as it would: at once the
// first time, after the back-off (CrashLoopBackOff, a BackOff event) when it was restarted before.
import type { ClusterContext } from "../context";
import { imageIdOf } from "../controllers/ephemeral";
import { mutate, phaseOf, type Obj } from "../controllers/util";
import { nowIso, randomSuffix } from "../names";
import { POD } from "../resources";
import type { KObject } from "../types";

const SIGNALS = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2 } as const;

type ContainerStatus = Obj & { name: string; restartCount?: number; state?: { running?: { startedAt?: string } } };

const statusesOf = (p: KObject) => ((p.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []);
const notReady = (c: Obj, at: string, container: string) =>
  c.type === "Ready" || c.type === "ContainersReady" ? { ...c, status: "False", lastTransitionTime: at, reason: "ContainersNotReady", message: `containers with unready status: [${container}]` } : c;

/** Kill the container's main process now; false when it is not running (nothing to signal). */
export function killContainer(ctx: ClusterContext, p: KObject, container: string, signal: keyof typeof SIGNALS): boolean {
  const cs = statusesOf(p).find((s) => s.name === container);
  if (!cs?.state?.running || phaseOf(p) !== "Running" || p.metadata.deletionTimestamp) return false;
  const at = nowIso();
  const code = 128 + SIGNALS[signal];
  const restarts = Number(cs.restartCount ?? 0);
  const policy = String((p.spec as { restartPolicy?: string }).restartPolicy ?? "Always");
  const restart = policy !== "Never";
  const backOff = restarts > 0;
  const terminated = { exitCode: code, reason: "Error", startedAt: cs.state.running.startedAt, finishedAt: at, containerID: cs.containerID };
  const killed = mutate(ctx, POD, p, (n) => {
    const st = n.status as Obj;
    st.conditions = ((st.conditions ?? []) as Obj[]).map((c) => notReady(c, at, container));
    st.containerStatuses = statusesOf(n).map((s) =>
      s.name !== container
        ? s
        : restart
          ? { ...s, ready: false, started: false, restartCount: restarts + 1, lastState: { terminated }, state: backOff ? { waiting: { reason: "CrashLoopBackOff", message: `back-off restarting failed container ${container} in pod ${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})` } } : { terminated } }
          : { ...s, ready: false, started: false, state: { terminated } },
    );
  });
  ctx.kick();
  if (!restart) return true;
  if (backOff) ctx.event(killed, "Warning", "BackOff", `Back-off restarting failed container ${container} in pod ${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`, "kubelet");
  const uid = p.metadata.uid;
  ctx.later(backOff ? ctx.opts.restartBackoffMs : ctx.opts.podStartDelayMs, () => {
    const cur = ctx.store.get(POD, p.metadata.namespace!, p.metadata.name!);
    if (!cur || cur.metadata.uid !== uid || cur.metadata.deletionTimestamp) return;
    const now = nowIso();
    const image = ((cur.spec as { containers?: { name: string; image?: string }[] }).containers ?? []).find((c) => c.name === container)?.image ?? "";
    const back = mutate(ctx, POD, cur, (n) => {
      const st = n.status as Obj;
      st.containerStatuses = statusesOf(n).map((s) =>
        s.name === container ? { ...s, ready: true, started: true, state: { running: { startedAt: now } }, imageID: imageIdOf(image), containerID: `containerd://${randomSuffix(12)}${randomSuffix(12)}` } : s,
      );
      const allReady = statusesOf(n).every((s) => s.ready);
      if (allReady)
        st.conditions = ((st.conditions ?? []) as Obj[]).map((c) => (c.type === "Ready" || c.type === "ContainersReady" ? { type: c.type, status: "True", lastProbeTime: null, lastTransitionTime: now } : c));
    });
    ctx.event(back, "Normal", "Pulled", `Container image "${image}" already present on machine`, "kubelet");
    ctx.event(back, "Normal", "Created", `Created container ${container}`, "kubelet");
    ctx.event(back, "Normal", "Started", `Started container ${container}`, "kubelet");
    ctx.kick();
  });
  return true;
}
