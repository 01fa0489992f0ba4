import type { CustomObjectsApi, NodeMetricsList, PodMetricsList } from "@kubernetes/client-node";

const GROUP = { group: "metrics.k8s.io", version: "v1beta1" };

/**
 * metrics.k8s.io reads through the generated transport (client-node's `Metrics` class uses
 * its own fetch and folds every network failure into a bare 500, hiding refusals).
 */
export class GuardedMetrics {
  constructor(private readonly api: CustomObjectsApi) {}

  /** Live CPU and memory of every node; `not-found` where metrics-server is absent. */
  getNodeMetrics(): Promise<NodeMetricsList> {
    return this.api.listClusterCustomObject({ ...GROUP, plural: "nodes" }) as Promise<NodeMetricsList>;
  }

  /** Live usage of the pods in `namespace`, or in every namespace. */
  getPodMetrics(namespace?: string): Promise<PodMetricsList> {
    const list = namespace
      ? this.api.listNamespacedCustomObject({ ...GROUP, namespace, plural: "pods" })
      : this.api.listClusterCustomObject({ ...GROUP, plural: "pods" });
    return list as Promise<PodMetricsList>;
  }
}
