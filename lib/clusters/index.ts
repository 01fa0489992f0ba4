// A team's clusters: how to reach one (the guarded client), checking it, and the sandbox
// clusters behind "Add a sandbox cluster".
export { clientForCluster, forgetClusterClients, type ClusterConnection } from "./cluster-client";
export { checkCluster, type ClusterCheck } from "./check-cluster";
export { addSandboxCluster, deleteCluster, ClusterError } from "./sandbox-clusters";
export { sandboxAdmin } from "./sandbox-admin";
