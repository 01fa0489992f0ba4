// What a fault asks of the target's namespace when its runner is an ephemeral container in the
// target pod (docs/fault-runner.md): the Linux capabilities it needs, the user it runs as, and
// from that the least Pod Security level that admits it. Plan-time refusals and the connection
// probe read this, so the reason people see is the one the cluster would give.
import type { FaultKind } from "./spec";

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export interface RunnerRequirements {
  capabilities: string[];
  /** False: the runner runs as a non-root user (the target container's, for process faults). */
  root: boolean;
  /** Whether the runner must share the target container's process namespace (targetContainerName). */
  sharesProcesses: boolean;
  podSecurity: PodSecurityLevel;
  /** Why, in one sentence for the plan. */
  reason: string;
}

const NETWORK =
  "It changes the pod's network rules (nftables, tc), which needs CAP_NET_ADMIN: only the privileged Pod Security level admits it.";

/** What the runner needs for a fault of this kind. `targetRunsAsRoot`: the target container's user is 0. */
export function runnerRequirements(kind: FaultKind, targetRunsAsRoot = false): RunnerRequirements {
  switch (kind) {
    case "network-latency":
    case "network-loss":
    case "network-partition":
    case "dns":
    case "http":
      return {
        capabilities: ["NET_ADMIN"],
        root: true,
        sharesProcesses: false,
        podSecurity: "privileged",
        reason: NETWORK,
      };
    case "cpu":
    case "memory":
      return {
        capabilities: [],
        root: false,
        sharesProcesses: false,
        podSecurity: "restricted",
        reason:
          "It only runs stress-ng as an unprivileged user in the pod: every Pod Security level admits it.",
      };
    case "process-kill":
      // A process may signal another of its own user without any capability; signalling root's
      // processes from a non-root user needs CAP_KILL, which baseline admits and restricted does not.
      return targetRunsAsRoot
        ? {
            capabilities: ["KILL"],
            root: true,
            sharesProcesses: true,
            podSecurity: "baseline",
            reason:
              "The target runs as root, so signalling it needs root with CAP_KILL: the baseline Pod Security level or looser.",
          }
        : {
            capabilities: [],
            root: false,
            sharesProcesses: true,
            podSecurity: "restricted",
            reason:
              "It runs as the target container's user and signals its processes: every Pod Security level admits it.",
          };
  }
}

const ORDER: PodSecurityLevel[] = ["restricted", "baseline", "privileged"];

/** Whether a namespace enforcing `enforced` (the pod-security.kubernetes.io/enforce label) admits the runner. */
export function admits(enforced: PodSecurityLevel, needed: PodSecurityLevel): boolean {
  return ORDER.indexOf(needed) <= ORDER.indexOf(enforced);
}
