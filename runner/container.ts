// The ephemeral container that carries the runner into a target pod: what the worker sends with
// `PATCH pods/<name>/ephemeralcontainers`. Its security context is the least the fault needs
// (runner/requirements.ts), so the target namespace's Pod Security level admits exactly the
// faults the plan says it does. Not part of the runner's bundle: the worker imports it.
import type { V1EphemeralContainer, V1SecurityContext } from "@kubernetes/client-node";
import { runnerRequirements } from "./requirements";
import type { FaultSpec } from "./spec";

/** The user CPU and memory faults run as when the target's own user is unknown (nobody). */
const UNPRIVILEGED_UID = 65534;

export interface RunnerContainerInput {
  spec: FaultSpec;
  /** PYSTOL_RUNNER_IMAGE (or the team's override). */
  image: string;
  lease: { server: string; namespace: string; name: string; token: string; caPem: string; pollMs?: number };
  /** The target container: its processes are shared for process faults. */
  targetContainer: string;
  /** The target container's user id (from its or the pod's securityContext, or the image: 0 when unknown). */
  targetUid: number;
}

/** Container names are DNS labels; fault ids may hold underscores. */
export function runnerContainerName(spec: Pick<FaultSpec, "id">): string {
  return `pystol-${spec.id.replace(/_/g, "-")}`.slice(0, 63).replace(/-+$/, "");
}

export function runnerEphemeralContainer(input: RunnerContainerInput): V1EphemeralContainer {
  const need = runnerRequirements(input.spec.fault.kind, input.targetUid === 0);
  const uid = need.root ? 0 : input.spec.fault.kind === "process-kill" ? input.targetUid : UNPRIVILEGED_UID;
  const securityContext: V1SecurityContext = {
    runAsUser: uid,
    runAsGroup: uid,
    runAsNonRoot: uid !== 0,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"], ...(need.capabilities.length > 0 ? { add: need.capabilities } : {}) },
    seccompProfile: { type: "RuntimeDefault" },
  };
  const { token, caPem, pollMs, ...where } = input.lease;
  return {
    name: runnerContainerName(input.spec),
    image: input.image,
    ...(need.sharesProcesses ? { targetContainerName: input.targetContainer } : {}),
    env: [
      { name: "PYSTOL_FAULT_SPEC", value: JSON.stringify(input.spec) },
      {
        name: "PYSTOL_LEASE",
        value: JSON.stringify({ kind: "kubernetes", ...where, ...(pollMs ? { pollMs } : {}) }),
      },
      { name: "PYSTOL_LEASE_TOKEN", value: token },
      { name: "PYSTOL_LEASE_CA", value: caPem },
    ],
    securityContext,
    // The runner's exit reason is its last log line; the kubelet keeps it as the termination message.
    terminationMessagePolicy: "FallbackToLogsOnError",
  };
}
