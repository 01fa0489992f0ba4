import type { ClusterContext } from "../context";
import { nowIso } from "../names";
import type { KObject } from "../types";

export interface NodeShape {
  name: string;
  pool: string;
  zone: string;
  cpu: string;
  memory: string;
  pods?: number;
  role?: string;
  taints?: { key: string; value?: string; effect: string }[];
}

/** A Ready node as a kubelet would register it. */
export function makeNode(ctx: ClusterContext, s: NodeShape, at = nowIso()): KObject {
  const cidr = (ctx as { alloc?: { podCidr(n: string): string } }).alloc?.podCidr(s.name) ?? "10.244.0.0/24";
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": s.name,
    "kubernetes.io/os": "linux",
    "node.kubernetes.io/instance-type": `sim-${s.cpu}c`,
    "topology.kubernetes.io/region": "sim-region-1",
    "topology.kubernetes.io/zone": s.zone,
    "pystol.io/pool": s.pool,
    type: "kwok",
  };
  if (s.role) labels[`node-role.kubernetes.io/${s.role}`] = "";
  const cap = { cpu: s.cpu, memory: s.memory, pods: String(s.pods ?? 110), "ephemeral-storage": "100Gi" };
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: at, lastTransitionTime: at, reason, message });
  const ip = ctx.nodeIp(s.name);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: s.name,
      labels,
      annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake" },
      creationTimestamp: at,
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr], ...(s.taints ? { taints: s.taints } : {}) },
    status: {
      capacity: cap,
      allocatable: cap,
      conditions: [
        cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
      ],
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "Hostname", address: s.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: "amd64",
        bootID: "",
        containerRuntimeVersion: "containerd://1.7.13",
        kernelVersion: "6.1.0-sim",
        kubeProxyVersion: "v1.30.0",
        kubeletVersion: "v1.30.0",
        machineID: "",
        operatingSystem: "linux",
        osImage: "Pystol Sandbox (simulated)",
        systemUUID: "",
      },
    },
  };
}
