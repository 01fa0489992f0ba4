// A team's clusters: how to reach one (the guarded client), checking it, connecting a
// kubeconfig, the sandbox clusters behind "Add a sandbox cluster", and managing them.
export { clientForCluster, forgetClusterClients, type ClusterConnection } from "./cluster-client";
export { checkCluster, type ClusterCheck } from "./check-cluster";
export { addSandboxCluster, deleteCluster, nextSandboxName, virtualClusterName } from "./sandbox-clusters";
export { ClusterError } from "./cluster-error";
export { DEFAULT_SHARD, sandboxAdmin, sandboxAdminOf, sandboxShards, type SandboxShard } from "./sandbox-admin";
export { SHARD_DOWN_MESSAGE, downShards, forgetShardHealth, onLeastLoadedShard, shardAnswers, shardOf } from "./sandbox-shards";
export { inspectKubeconfig, type InspectResult, type KubeconfigRefusal } from "./inspect-kubeconfig";
export { CONNECTION_TESTS_PER_TEAM, CONNECTION_TESTS_PER_USER, limitConnectionTests, testConnection } from "./test-connection";
export { connectCluster, replaceClusterCredentials, renameCluster, findTeamCluster } from "./connect-cluster";
export { recheckCluster } from "./recheck-cluster";
export { actionAccess, type ActionAccess } from "./action-access";
export { clusterNameSchema, contextNameSchema, suggestClusterName } from "./schemas";
