// Cluster views: what the overview, namespaces, nodes, pods, events and graph pages read from a
// team's cluster, through the guarded client and a short-lived shared cache.
export { cachedView, forgetViewMemo, type Cached, type CacheOptions, type ViewError } from "./view-cache";
export { findViewCluster, requireViewCluster, type ViewCluster } from "./view-cluster";
export type { ClusterSummary, NodeSummary, WorkloadSummary } from "./cluster-summary";
export {
  clusterSummary,
  eventList,
  namespaceList,
  nodeUsage,
  podPage,
  workloadPods,
  POD_PAGE_SIZE,
  type EventRow,
  type GraphPod,
  type NamespaceRow,
  type NodeUsage,
  type PodPage,
} from "./reads";
export type { PodRow } from "./pod-rows";
export { recentRuns, runTargets, type RunTargets } from "./cluster-runs";
export { PHASES, eventFiltersSchema, graphParamsSchema, parseParams, podFiltersSchema, type EventFilters, type GraphParams, type PodFilters } from "./view-filters";
export { age, formatCpu, formatMem } from "./quantity";
export { explainViewError } from "./explain-error";
export { buildGraph, type GraphItem, type GraphModel } from "./graph-model";
