import { namespaceDefaults } from "../objects";
import type { ClusterContext } from "../context";
import { nowIso } from "../names";
import { systemPriorityClasses } from "../kinds";
import { bootstrapPolicy, RBAC_TYPES } from "../rbac";
import { NAMESPACE, PRIORITY_CLASS, SERVICE } from "../resources";
import type { KObject } from "../types";

const ns = (name: string, at: string): KObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels: { "kubernetes.io/metadata.name": name }, creationTimestamp: at },
  spec: { finalizers: ["kubernetes"] },
  status: { phase: "Active" },
});

/** What every cluster has: the system namespaces and the kubernetes service. */
export function seedBase(ctx: ClusterContext) {
  const at = nowIso();
  for (const n of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    ctx.store.put(NAMESPACE, ns(n, at));
    namespaceDefaults(ctx, n);
  }
  ctx.store.put(SERVICE, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" }, creationTimestamp: at },
    spec: {
      clusterIP: "10.96.0.1",
      clusterIPs: ["10.96.0.1"],
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
      type: "ClusterIP",
      sessionAffinity: "None",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      internalTrafficPolicy: "Cluster",
    },
    status: { loadBalancer: {} },
  });
  ctx.serviceIp();
  const policy = bootstrapPolicy(at);
  for (const r of policy.roles) ctx.store.put(RBAC_TYPES.CLUSTER_ROLE(), r);
  for (const b of policy.bindings) ctx.store.put(RBAC_TYPES.CLUSTER_ROLE_BINDING(), b);
  for (const pc of systemPriorityClasses(at)) ctx.store.put(PRIORITY_CLASS, pc);
}

export function makeNamespace(name: string): KObject {
  return ns(name, nowIso());
}
