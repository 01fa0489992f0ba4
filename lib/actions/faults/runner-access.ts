import { PatchStrategy, setHeaderOptions, type V1Lease, type V1Pod } from "@kubernetes/client-node";
import { runnerEphemeralContainer } from "@/runner/container";
import type { FaultSpec } from "@/runner/spec";
import { ignoreNotFound, isNotFound, statusOf } from "../kube-errors";
import type { ActionKube } from "../action-kube";
import { runnerImageFor, runnerSettings } from "./runner-settings";

// How a fault reaches a pod (docs/fault-runner.md): per target pod, a Lease the run holds, a
// service account that may only `get` that Lease with a token bound to the pod, and the runner
// added as an ephemeral container. Releasing the Lease ends the fault; the rest is removed after.

/** What one injection created, all under one name: the undo record's content. */
export interface Injection {
  namespace: string;
  pod: string;
  /** The Lease, service account, Role and RoleBinding are all called this; so is the container. */
  name: string;
}

const LABELS = { "app.kubernetes.io/managed-by": "pystol", "pystol.io/role": "fault-runner" };

/** The run's identity as the Lease's holder. */
export const leaseHolder = (runId: string) => `pystol-run-${runId}`;

const microTime = () => new Date();

/** Creating again what a retried step already created is the same outcome. */
async function ensureCreated<T>(fn: () => Promise<T>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
  }
}

/** Where the runner reads its Lease: the API server's in-cluster address and the cluster's CA. */
export async function leaseEndpoint(kube: ActionKube, namespace: string): Promise<{ server: string; caPem: string }> {
  // By address, not by name: a DNS fault must not cut the runner off from its Lease.
  const svc = await kube.core.readNamespacedService({ name: "kubernetes", namespace: "default" });
  const ip = svc.spec?.clusterIP;
  const port = svc.spec?.ports?.[0]?.port ?? 443;
  if (!ip || ip === "None") throw new Error("the cluster's kubernetes service in default has no ClusterIP for the runner to reach");
  const ca = await kube.core.readNamespacedConfigMap({ name: "kube-root-ca.crt", namespace });
  const caPem = ca.data?.["ca.crt"];
  if (!caPem) throw new Error(`the ConfigMap kube-root-ca.crt in ${namespace} holds no ca.crt for the runner`);
  return { server: `https://${ip.includes(":") ? `[${ip}]` : ip}:${port}`, caPem };
}

export interface InjectInput {
  kube: ActionKube;
  runId: string;
  pod: V1Pod;
  spec: FaultSpec;
  name: string;
  targetContainer: string;
  targetUid: number;
  endpoint: { server: string; caPem: string };
  /** The runner image: the team's own or the installation's (runnerImageFor). */
  image: string;
}

const metadataOf = (runId: string, namespace: string, name: string) => ({
  name,
  namespace,
  labels: { ...LABELS, "pystol.io/run": runId.toLowerCase().slice(0, 63) },
});

/** The runner's account: a service account with a Role that may only `get` its one Lease. Safe to repeat. */
export async function prepareRunner(kube: ActionKube, runId: string, namespace: string, name: string): Promise<{ account: string }> {
  const metadata = metadataOf(runId, namespace, name);
  await ensureCreated(() => kube.core.createNamespacedServiceAccount({ namespace, body: { metadata, automountServiceAccountToken: false } }));
  await ensureCreated(() =>
    kube.rbac.createNamespacedRole({
      namespace,
      body: { metadata, rules: [{ apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [name], verbs: ["get"] }] },
    }),
  );
  await ensureCreated(() =>
    kube.rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
        subjects: [{ kind: "ServiceAccount", name, namespace }],
      },
    }),
  );
  return { account: name };
}

/**
 * Creates the Lease (held by the run), a token for the runner's account bound to the pod, and
 * adds the runner to the pod; resolves once the runner is running. Safe to repeat.
 */
export async function injectFault(input: InjectInput, signal?: AbortSignal): Promise<{ container: string; lease: string }> {
  const { kube, pod, spec, name } = input;
  const namespace = pod.metadata!.namespace!;
  const podName = pod.metadata!.name!;
  const settings = runnerSettings();
  const now = microTime();
  const lease: V1Lease = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: metadataOf(input.runId, namespace, name),
    spec: { holderIdentity: leaseHolder(input.runId), leaseDurationSeconds: settings.PYSTOL_FAULT_LEASE_SECONDS, acquireTime: now, renewTime: now },
  };
  await ensureCreated(() => kube.coordination.createNamespacedLease({ namespace, body: lease }));
  // Bound to the pod (it dies with it) and expiring soon after the fault (600 s is the API's least).
  const token = await kube.core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: {
      spec: {
        audiences: [],
        expirationSeconds: Math.max(600, Math.ceil(spec.durationSeconds) + settings.PYSTOL_FAULT_LEASE_SECONDS + 300),
        boundObjectRef: { apiVersion: "v1", kind: "Pod", name: podName, uid: pod.metadata?.uid },
      },
    },
  });
  const container = runnerEphemeralContainer({
    spec,
    image: input.image,
    lease: { ...input.endpoint, namespace, name, token: token.status?.token ?? "" },
    targetContainer: input.targetContainer,
    targetUid: input.targetUid,
  });
  const current = await kube.core.readNamespacedPod({ name: podName, namespace });
  if (!(current.spec?.ephemeralContainers ?? []).some((c) => c.name === container.name)) {
    await kube.core.patchNamespacedPodEphemeralcontainers(
      { name: podName, namespace, body: { spec: { ephemeralContainers: [container] } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
  }
  await untilStarted(kube, namespace, podName, container.name, signal);
  return { container: container.name, lease: name };
}

/**
 * Waits for the runner to be running (it applies its fault as it starts). One that ended at
 * once did not start its fault (a refused spec, a lease it cannot read, a host that does not
 * resolve): the step fails with the runner's own last words, and the rollback cleans up.
 */
async function untilStarted(kube: ActionKube, namespace: string, pod: string, container: string, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const state = await runnerState(kube, namespace, pod, container);
    if (state === "running") return;
    if (state === "pod gone") throw new Error(`pod ${namespace}/${pod} went away before the fault started`);
    if (typeof state === "object") {
      const words = runnerWords(state.message);
      throw new Error(`the fault runner in pod ${pod} did not start its fault (exit ${state.exitCode})${words ? `: ${words}` : ""}`);
    }
    if (signal?.aborted) throw new Error("aborted while the runner was starting");
    await sleep(200);
  }
}

/** The runner's reason from its termination message (its last JSON log line, or plain text). */
function runnerWords(message: string): string {
  const last = message.trim().split("\n").pop() ?? "";
  try {
    // The runner logs with pino: the sentence is `msg`.
    const line = JSON.parse(last) as { msg?: unknown; reason?: unknown };
    const why = line.msg ?? line.reason;
    if (typeof why === "string") return why.slice(0, 300);
  } catch {
    // not JSON: the message as it is
  }
  return last.slice(0, 300);
}

/** Renews the run's Lease; false when it is gone (the fault has ended: someone released it). */
export async function renewLease(kube: ActionKube, namespace: string, name: string): Promise<boolean> {
  try {
    const lease = await kube.coordination.readNamespacedLease({ name, namespace });
    lease.spec = { ...lease.spec, renewTime: microTime() };
    await kube.coordination.replaceNamespacedLease({ name, namespace, body: lease });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    // A conflict is a renewal racing another write: the next one wins.
    if (statusOf(err) === 409) return true;
    throw err;
  }
}

/** The runner container's state in the pod: running, ended (with its exit code), or gone with the pod. */
export async function runnerState(kube: ActionKube, namespace: string, pod: string, container: string): Promise<"waiting" | "running" | { exitCode: number; message: string } | "pod gone"> {
  const p = await ignoreNotFound(() => kube.core.readNamespacedPod({ name: pod, namespace }));
  if (!p || p.metadata?.deletionTimestamp) return "pod gone";
  const s = (p.status?.ephemeralContainerStatuses ?? []).find((c) => c.name === container);
  if (s?.state?.terminated) return { exitCode: s.state.terminated.exitCode, message: s.state.terminated.message ?? s.state.terminated.reason ?? "" };
  return s?.state?.running ? "running" : "waiting";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ends a fault (the undo of an injection): releases the Lease, so the runner removes its fault
 * within its poll interval. It does not wait: a rollback releases every fault of the run first
 * and only then removes the runners' accounts (removeRunner), so that the last fault of many
 * ends as soon as the first. Safe to repeat.
 */
export async function releaseFault(kube: ActionKube, undo: { namespace: string; name: string }): Promise<void> {
  await ignoreNotFound(() => kube.coordination.deleteNamespacedLease({ name: undo.name, namespace: undo.namespace }));
}

/**
 * Removes a runner's account once its fault is over (the undo of its preparation). The runner
 * reads its Lease with the account's token: the account stays until the runner has seen the
 * Lease gone (a 404), or it would read 401 and wait for the Lease to lapse; it is given 5 s. A
 * runner that was killed outright left its rules: a second runner with `--cleanup` and the
 * same spec removes them. Safe to repeat; a vanished pod is a fault already gone.
 */
export async function removeRunner(kube: ActionKube, undo: Injection & { cleanup: FaultSpec; image?: string }): Promise<void> {
  const { namespace, pod, name } = undo;
  // Normally released already (its own undo comes first); an inject step that failed before
  // writing its undo left nothing else to release it.
  await releaseFault(kube, undo);
  let state = await runnerState(kube, namespace, pod, name);
  for (let i = 0; i < 20 && (state === "running" || state === "waiting"); i++) {
    await sleep(250);
    state = await runnerState(kube, namespace, pod, name);
  }
  const killed = typeof state === "object" && (state.exitCode === 137 || state.exitCode === 3);
  if (killed) await startCleanup(kube, undo);
  await ignoreNotFound(() => kube.rbac.deleteNamespacedRoleBinding({ name, namespace }));
  await ignoreNotFound(() => kube.rbac.deleteNamespacedRole({ name, namespace }));
  await ignoreNotFound(() => kube.core.deleteNamespacedServiceAccount({ name, namespace }));
}

// The runner was killed before it could remove its rules (exit 137), or could not remove them
// (exit 3): one more runner, with --cleanup, removes what is left under the fault's id.
async function startCleanup(kube: ActionKube, undo: Injection & { cleanup: FaultSpec; image?: string }): Promise<void> {
  const { namespace, pod } = undo;
  const current = await ignoreNotFound(() => kube.core.readNamespacedPod({ name: pod, namespace }));
  if (!current) return;
  const cleanupName = `${undo.name}-c`.slice(0, 63);
  if ((current.spec?.ephemeralContainers ?? []).some((c) => c.name === cleanupName)) return;
  const base = runnerEphemeralContainer({
    spec: undo.cleanup,
    image: runnerImageFor(undo.image),
    lease: { server: "https://127.0.0.1", namespace, name: undo.name, token: "", caPem: "" },
    targetContainer: current.spec?.containers[0]?.name ?? "",
    targetUid: 0,
  });
  const container = { ...base, name: cleanupName, args: ["--cleanup"], env: base.env?.filter((e) => e.name === "PYSTOL_FAULT_SPEC") };
  await kube.core.patchNamespacedPodEphemeralcontainers(
    { name: pod, namespace, body: { spec: { ephemeralContainers: [container] } } },
    setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
  );
}
