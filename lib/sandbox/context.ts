import { DEFAULT_MAX_JSON_DEPTH, TEAM_CLUSTER_LIMITS, type ClusterLimits } from "./limits";
import type { FaultEffects } from "./faults/effects";
import type { Network } from "./network";
import type { Store } from "./store";
import type { KObject } from "./types";

/** Tunables of one virtual cluster, its limits (lib/sandbox/limits.ts) among them. */
export interface ClusterOptions extends ClusterLimits {
  /** Delay between a pod being bound and running. */
  podStartDelayMs: number;
  /** Time a deleted pod spends terminating before it disappears (capped by its grace period). */
  podStopDelayMs: number;
  /** Simulated run time of a Job's pod. */
  jobRunMs: number;
  /** Whether controllers record Event objects (off for very large generated clusters). */
  events: boolean;
  /** Delay before a crashed container of a restartPolicy=Always pod is started again. */
  restartBackoffMs: number;
  /** Resources ("events", "pods", "deployments.apps") the token may not use: 403, as RBAC would say. */
  deniedResources: string[];
  /** Whether metrics.k8s.io is served (false: a cluster without metrics-server). */
  metricsServer: boolean;
  /** How deeply request bodies may nest (400 beyond, as Kubernetes' decoder answers). */
  maxJsonDepth: number;
}

export const DEFAULT_OPTIONS: ClusterOptions = {
  podStartDelayMs: 1000,
  podStopDelayMs: 500,
  jobRunMs: 2000,
  ...TEAM_CLUSTER_LIMITS,
  events: true,
  restartBackoffMs: 10_000,
  deniedResources: [],
  metricsServer: true,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
};

/** What the API handlers and the controllers need of a virtual cluster. */
export interface ClusterContext {
  readonly id: string;
  readonly store: Store;
  readonly opts: ClusterOptions;
  /** Run fn after a delay, unless the cluster is closed first. */
  later(ms: number, fn: () => void): void;
  /** Ask the controllers to run soon. */
  kick(): void;
  /** Record a Kubernetes Event about an object. */
  event(obj: KObject, type: "Normal" | "Warning", reason: string, message: string, component?: string): void;
  /** Log lines of a pod's container. */
  readonly logs: Map<string, string[]>;
  readonly network: Network;
  /** The faults simulated runners hold now (lib/sandbox/faults), which the models consult. */
  readonly faults: FaultEffects;
  /** The CA that signs the API server's certificate (each namespace's kube-root-ca.crt). */
  readonly caPem?: string;
  podIp(nodeName: string): string;
  serviceIp(): string;
  nodeIp(nodeName: string): string;
}
