// Kubernetes access: kubeconfig validation, the address guard, and the one guarded client
// factory that pages, workers and the CLI path use to reach any cluster.
export { parseKubeconfig, type ParseOptions } from "./parse-kubeconfig";
export { KubeconfigError } from "./kubeconfig-error";
export { MAX_KUBECONFIG_BYTES } from "./read-yaml";
export type { ValidatedKubeconfig, ContextSummary, ParsedKubeconfig } from "./types";
export {
  addressCategoryPhrase,
  addressPolicyFromEnv,
  checkAddress,
  createAddressPolicy,
  type AddressCategory,
  type AddressPolicy,
  type AddressVerdict,
} from "./address-guard";
export { createKubeClient, type KubeClient, type KubeClientOptions, type KubeTarget } from "./guarded-client";
export { systemResolver, type Resolver } from "./guarded-agent";
export type { KubeCallEvent } from "./http-library";
export { KubeAccessError, type KubeAccessCode } from "./kube-access-error";
export type { GuardedWatch } from "./wrap-api";
export type { GuardedMetrics } from "./metrics-api";
export type { GuardedRaw } from "./raw-api";
export { guardedFetch, GuardedFetchError, type GuardedFetchOptions, type GuardedResponse } from "./guarded-fetch";
export {
  probeCluster,
  permissionKey,
  reviewAccess,
  PROBED_PERMISSIONS,
  type ClusterProbe,
  type PermissionCheck,
} from "./probe-cluster";
export { KUBECONFIG_SEAL_CONTEXT, openKubeconfig, sealKubeconfig, serverHostOf } from "./stored-kubeconfig";
export {
  rotateKubeconfigKeys,
  type RotationReport,
  type RotationStore,
  type StoredRow,
} from "./rotate-kubeconfig-keys";
