/** The sandbox cluster: a simulated Kubernetes API server hosting many virtual clusters. */
export { startSandboxServer, type SandboxServer, type SandboxServerOptions } from "./server";
export { ClusterManager, type CreateClusterInput, type ClusterSummary, type Seed } from "./manager";
export { VirtualCluster } from "./cluster";
export { DEFAULT_OPTIONS, type ClusterOptions } from "./context";
export { buildKubeconfig } from "./kubeconfig";
export { SandboxAdminClient, type CreatedCluster, type AdminClusterSummary } from "./admin-client";
export type { NetworkRule } from "./network";
export { PROBE_LABEL } from "./probe";
