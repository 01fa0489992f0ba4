// A team's clusters: how to reach one (the guarded client) and the sandbox behind "Add a
// sandbox cluster".
export { clientForCluster, forgetClusterClients, type ClusterConnection } from "./cluster-client";
export { sandboxAdmin } from "./sandbox-admin";
