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

  serviceIp(): string {
    const n = this.nextSvc++;
    return `10.96.${(n >> 8) & 255}.${n & 255}`;
  }
}
