import { createObject } from "../objects";
import { namespaceDefaults } from "../objects";
import { DAEMONSET, DEPLOYMENT, NAMESPACE, NODE, PDB, SERVICE, STATEFULSET } from "../resources";
import type { KObject } from "../types";
import { makeNamespace } from "./base";
import { makeNode, type NodeShape } from "./nodes";
import { settleRunning, type Settleable } from "./settle";

const NODES: NodeShape[] = [
  { name: "system-a-1", pool: "system", zone: "zone-a", cpu: "4", memory: "16Gi", role: "control-plane", taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] },
  { name: "general-a-1", pool: "general", zone: "zone-a", cpu: "8", memory: "32Gi" },
  { name: "general-a-2", pool: "general", zone: "zone-a", cpu: "8", memory: "32Gi" },
  { name: "general-b-1", pool: "general", zone: "zone-b", cpu: "8", memory: "32Gi" },
  { name: "general-c-1", pool: "general", zone: "zone-c", cpu: "8", memory: "32Gi" },
  { name: "data-a-1", pool: "data", zone: "zone-a", cpu: "16", memory: "64Gi" },
  { name: "data-b-1", pool: "data", zone: "zone-b", cpu: "16", memory: "64Gi" },
];

interface App {
  name: string;
  ns: string;
  replicas: number;
  image: string;
  port: number;
  cpu: string;
  memory: string;
  pool?: string;
  kind?: "Deployment" | "StatefulSet" | "DaemonSet";
  pdb?: { minAvailable?: number; maxUnavailable?: number };
  system?: boolean;
}

const APPS: App[] = [
  { name: "frontend", ns: "shop", replicas: 3, image: "pystol/shop-frontend:1.4.2", port: 8080, cpu: "200m", memory: "256Mi", pdb: { minAvailable: 2 } },
  { name: "cart", ns: "shop", replicas: 2, image: "pystol/shop-cart:1.4.2", port: 7070, cpu: "150m", memory: "192Mi" },
  { name: "checkout", ns: "shop", replicas: 2, image: "pystol/shop-checkout:1.4.2", port: 5050, cpu: "150m", memory: "192Mi", pdb: { minAvailable: 2 } },
  { name: "payment", ns: "shop", replicas: 2, image: "pystol/shop-payment:1.4.2", port: 50051, cpu: "100m", memory: "128Mi", pdb: { maxUnavailable: 1 } },
  { name: "catalog", ns: "shop", replicas: 2, image: "pystol/shop-catalog:1.4.2", port: 3550, cpu: "150m", memory: "256Mi" },
  { name: "shipping", ns: "shop", replicas: 1, image: "pystol/shop-shipping:1.4.2", port: 50052, cpu: "100m", memory: "128Mi" },
  { name: "email", ns: "shop", replicas: 1, image: "pystol/shop-email:1.4.2", port: 8081, cpu: "100m", memory: "128Mi" },
  { name: "recommendation", ns: "shop", replicas: 2, image: "pystol/shop-recommendation:1.4.2", port: 8082, cpu: "200m", memory: "384Mi" },
  { name: "ads", ns: "shop", replicas: 1, image: "pystol/shop-ads:1.4.2", port: 9555, cpu: "150m", memory: "256Mi" },
  { name: "currency", ns: "shop", replicas: 2, image: "pystol/shop-currency:1.4.2", port: 7000, cpu: "100m", memory: "128Mi" },
  { name: "redis-cart", ns: "shop-data", replicas: 1, image: "redis:7.2-alpine", port: 6379, cpu: "250m", memory: "512Mi", pool: "data", kind: "StatefulSet" },
  { name: "catalog-db", ns: "shop-data", replicas: 2, image: "postgres:16.2", port: 5432, cpu: "500m", memory: "1Gi", pool: "data", kind: "StatefulSet", pdb: { minAvailable: 1 } },
  { name: "prometheus", ns: "monitoring", replicas: 1, image: "prom/prometheus:v2.51.0", port: 9090, cpu: "300m", memory: "1Gi", pool: "data" },
  { name: "grafana", ns: "monitoring", replicas: 1, image: "grafana/grafana:10.4.1", port: 3000, cpu: "100m", memory: "256Mi" },
  { name: "node-exporter", ns: "monitoring", replicas: 0, image: "prom/node-exporter:v1.7.0", port: 9100, cpu: "50m", memory: "64Mi", kind: "DaemonSet" },
  { name: "coredns", ns: "kube-system", replicas: 2, image: "registry.k8s.io/coredns/coredns:v1.11.1", port: 53, cpu: "100m", memory: "70Mi", pdb: { minAvailable: 1 }, system: true },
  { name: "metrics-server", ns: "kube-system", replicas: 1, image: "registry.k8s.io/metrics-server/metrics-server:v0.7.1", port: 10250, cpu: "100m", memory: "200Mi", system: true },
];

// The shop's services and data stores serve HTTP on a port named "http" and Prometheus metrics on
// "metrics" (9464, the OpenTelemetry exporter's port), so checks can address them by name through
// the service proxy (lib/sandbox/app). Other workloads keep a single port.
export const METRICS_PORT = 9464;
const inShop = (a: App) => a.ns === "shop" || a.ns === "shop-data";
const portName = (a: App) => (inShop(a) ? "http" : a.name === "prometheus" ? "web" : "main");

function workload(a: App): KObject {
  const labels = { app: a.name, "app.kubernetes.io/name": a.name, "app.kubernetes.io/part-of": a.ns.startsWith("shop") ? "shop" : a.ns };
  const podSpec: Record<string, unknown> = {
    containers: [
      {
        name: a.name,
        image: a.image,
        ports: [{ containerPort: a.port, name: portName(a) }, ...(inShop(a) ? [{ containerPort: METRICS_PORT, name: "metrics" }] : [])],
        resources: { requests: { cpu: a.cpu, memory: a.memory }, limits: { memory: a.memory } },
        env: [{ name: "SERVICE_NAME", value: a.name }],
      },
    ],
  };
  if (a.pool) podSpec.nodeSelector = { "pystol.io/pool": a.pool };
  if (a.system || a.kind === "DaemonSet") podSpec.tolerations = [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }];
  if (a.system) podSpec.priorityClassName = "system-cluster-critical";
  const kind = a.kind ?? "Deployment";
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: a.name } },
    template: { metadata: { labels }, spec: podSpec },
  };
  if (kind !== "DaemonSet") spec.replicas = a.replicas;
  if (kind === "StatefulSet") spec.serviceName = a.name;
  return { apiVersion: "apps/v1", kind, metadata: { name: a.name, namespace: a.ns, labels }, spec };
}

/** The demo shop: ten microservices, data stores and monitoring on seven nodes in three pools. */
export function seedDemo(c: Settleable) {
  const events = c.opts.events;
  c.opts.events = false;
  try {
    for (const n of NODES) c.store.put(NODE, makeNode(c, n));
    for (const ns of ["shop", "shop-data", "monitoring"]) {
      c.store.put(NAMESPACE, makeNamespace(ns));
      namespaceDefaults(c, ns);
    }
    for (const a of APPS) {
      const t = a.kind === "StatefulSet" ? STATEFULSET : a.kind === "DaemonSet" ? DAEMONSET : DEPLOYMENT;
      createObject(c, t, a.ns, workload(a));
      if (a.kind !== "DaemonSet")
        createObject(c, SERVICE, a.ns, {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: a.name, labels: { app: a.name } },
          spec: {
            selector: { app: a.name },
            ports: [{ name: portName(a), port: a.port, targetPort: a.port }, ...(inShop(a) ? [{ name: "metrics", port: METRICS_PORT, targetPort: METRICS_PORT }] : [])], ...(a.kind === "StatefulSet" ? { clusterIP: "None" } : {}) },
        });
      if (a.pdb)
        createObject(c, PDB, a.ns, {
          apiVersion: "policy/v1",
          kind: "PodDisruptionBudget",
          metadata: { name: a.name },
          spec: { selector: { matchLabels: { app: a.name } }, ...a.pdb },
        });
    }
    settleRunning(c);
  } finally {
    c.opts.events = events;
  }
}
