import { VirtualCluster } from "../cluster";
import type { ClusterOptions } from "../context";
import { seedBase } from "./base";
import { seedDemo } from "./demo";

// Seeding the demo shop runs every controller until each of its pods runs: about 28 ms of the
// sandbox's CPU per cluster, most of what a new trial cluster costs it. A settled demo cluster
// is kept as a template instead and copied (VirtualCluster.copyFrom: new uids, the same
// objects, addresses and logs), which is a small fraction of that. A template serves for a
// few seconds, so the copies' creation times and ages stay true to within that; one is kept
// per set of cluster options, since options (an object limit, events) shape what seeding does.
const TEMPLATE_MS = 5_000;
const MAX_TEMPLATES = 8;

export class DemoTemplates {
  private readonly templates = new Map<string, { cluster: VirtualCluster; until: number }>();

  /** A settled demo cluster made with these options, at most TEMPLATE_MS old. */
  get(opts: ClusterOptions): VirtualCluster {
    const key = JSON.stringify(opts);
    const now = Date.now();
    const kept = this.templates.get(key);
    if (kept && kept.until > now) return kept.cluster;
    const cluster = new VirtualCluster("template", "demo", "", new Date(now).toISOString(), opts);
    seedBase(cluster);
    seedDemo(cluster);
    // Never served: its timers and watches are not needed.
    cluster.close();
    this.templates.delete(key);
    if (this.templates.size >= MAX_TEMPLATES) this.templates.delete(this.templates.keys().next().value!);
    this.templates.set(key, { cluster, until: now + TEMPLATE_MS });
    return cluster;
  }
}
