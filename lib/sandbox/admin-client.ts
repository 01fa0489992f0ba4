import type { HeldFaultSummary } from "./faults/simulator";
import type { NetworkRule } from "./network";

export interface CreatedCluster {
  id: string;
  name: string;
  token: string;
  server: string;
  kubeconfig: string;
}

export interface AdminClusterSummary {
  id: string;
  name: string;
  createdAt: string;
  objects: number;
  counts: Record<string, number>;
  server: string;
}

export interface SandboxLoad {
  clusters: number;
  objects: number;
}

export interface CreateClusterRequest {
  name?: string;
  seed?: "demo" | "empty" | { nodes: number; pods: number };
  /**
   * Limits of this cluster in place of the sandbox's defaults (lib/sandbox/limits.ts): objects,
   * bytes of stored JSON, open watches, and the request rate (per second, and the burst).
   */
  limits?: { maxObjects?: number; maxBytes?: number; maxWatches?: number; requestsPerSecond?: number; requestBurst?: number };
  /**
   * A narrower token than the default administrator: `deny` lists resources ("events", "pods",
   * "deployments.apps") answered with 403 and denied by access reviews; `metricsServer: false`
   * leaves metrics.k8s.io out, as on a cluster without metrics-server.
   */
  access?: { deny?: string[]; metricsServer?: boolean };
}

/** A typed client of the sandbox admin interface (internal network only). */
export class SandboxAdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<Response> {
    const res = await fetch(`${this.baseUrl.replace(/\/$/, "")}${path}`, {
      method,
      signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) {
      const text = await res.text();
      throw new Error(`sandbox admin ${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    }
    return res;
  }

  /** Create a virtual cluster; the answer holds its token and kubeconfig, shown once. */
  async createCluster(req: CreateClusterRequest = {}): Promise<CreatedCluster> {
    return (await (await this.call("POST", "/clusters", req)).json()) as CreatedCluster;
  }

  /** How many clusters and objects this sandbox process holds (placement of new clusters). */
  async load(timeoutMs = 2000): Promise<SandboxLoad> {
    return (await (await this.call("GET", "/load", undefined, timeoutMs)).json()) as SandboxLoad;
  }

  async listClusters(): Promise<AdminClusterSummary[]> {
    return ((await (await this.call("GET", "/clusters")).json()) as { items: AdminClusterSummary[] }).items;
  }

  async getCluster(id: string): Promise<AdminClusterSummary> {
    return (await (await this.call("GET", `/clusters/${encodeURIComponent(id)}`)).json()) as AdminClusterSummary;
  }

  /** Address, CA and token of a cluster: its kubeconfig's content, as JSON. */
  async getCredentials(id: string): Promise<{ server: string; caPem: string; token: string }> {
    return (await (await this.call("GET", `/clusters/${encodeURIComponent(id)}/credentials`)).json()) as { server: string; caPem: string; token: string };
  }

  async getKubeconfig(id: string): Promise<string> {
    return (await this.call("GET", `/clusters/${encodeURIComponent(id)}/kubeconfig`)).text();
  }

  async deleteCluster(id: string): Promise<void> {
    await this.call("DELETE", `/clusters/${encodeURIComponent(id)}`);
  }

  /** Add (or with replace, set) latency and partition rules of the cluster's simulated network. */
  async setNetwork(id: string, rules: NetworkRule[], replace = false): Promise<NetworkRule[]> {
    return ((await (await this.call("POST", `/clusters/${encodeURIComponent(id)}/network`, { rules, replace })).json()) as { rules: NetworkRule[] }).rules;
  }

  /** The faults the cluster's simulated fault runners hold now (lib/sandbox/faults). */
  async listFaults(id: string): Promise<HeldFaultSummary[]> {
    return ((await (await this.call("GET", `/clusters/${encodeURIComponent(id)}/faults`)).json()) as { faults: HeldFaultSummary[] }).faults;
  }
}
