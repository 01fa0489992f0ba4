/** Pod, node and service addresses of one virtual cluster. */
export class Allocator {
  private readonly nodeIdx = new Map<string, number>();
  private readonly nextPod = new Map<string, number>();
  private nextNode = 0;
  private nextSvc = 1;

  private index(node: string): number {
    let i = this.nodeIdx.get(node);
    if (i === undefined) {
      i = this.nextNode++;
      this.nodeIdx.set(node, i);
    }
    return i;
  }

  /** Each node owns a /24 of 10.64.0.0/10, as a per-node podCIDR would. */
  podCidr(node: string): string {
    const i = this.index(node);
    return `10.${64 + (i >> 8)}.${i & 255}.0/24`;
  }

  podIp(node: string): string {
    const i = this.index(node);
    const n = this.nextPod.get(node) ?? 2;
    this.nextPod.set(node, n >= 254 ? 2 : n + 1);
    return `10.${64 + (i >> 8)}.${i & 255}.${n}`;
  }

  nodeIp(node: string): string {
    const i = this.index(node) + 10;
    return `172.18.${(i >> 8) & 255}.${i & 255}`;
  }

  /** Takes over another cluster's addresses handed out so far (a cluster copied from a template). */
  copyFrom(other: Allocator) {
    for (const [k, v] of other.nodeIdx) this.nodeIdx.set(k, v);
    for (const [k, v] of other.nextPod) this.nextPod.set(k, v);
    this.nextNode = other.nextNode;
    this.nextSvc = other.nextSvc;
  }

  /**
   * Takes back the addresses a restored cluster's objects hold (a snapshot keeps objects, not this
   * allocator), so that pods, nodes and services made after a restart get addresses of their own.
   */
  reclaim(nodes: { name: string; podCIDR?: string }[], pods: { nodeName?: string; podIP?: string }[], serviceIps: string[]) {
    for (const n of nodes) {
      const m = /^10\.(\d+)\.(\d+)\.0\/24$/.exec(n.podCIDR ?? "");
      if (!m) continue;
      const i = (Number(m[1]) - 64) * 256 + Number(m[2]);
      this.nodeIdx.set(n.name, i);
      this.nextNode = Math.max(this.nextNode, i + 1);
    }
    for (const p of pods) {
      const i = p.nodeName === undefined ? undefined : this.nodeIdx.get(p.nodeName);
      const m = /^10\.(\d+)\.(\d+)\.(\d+)$/.exec(p.podIP ?? "");
      if (i === undefined || !m || (Number(m[1]) - 64) * 256 + Number(m[2]) !== i) continue;
      const next = Number(m[3]) + 1;
      this.nextPod.set(p.nodeName!, Math.max(this.nextPod.get(p.nodeName!) ?? 2, next > 254 ? 2 : next));
    }
    for (const ip of serviceIps) {
      const m = /^10\.96\.(\d+)\.(\d+)$/.exec(ip);
      if (m) this.nextSvc = Math.max(this.nextSvc, Number(m[1]) * 256 + Number(m[2]) + 1);
    }
  }

  serviceIp(): string {
    const n = this.nextSvc++;
    return `10.96.${(n >> 8) & 255}.${n & 255}`;
  }
}
