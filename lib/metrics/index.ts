import { Registry, collectDefaultMetrics, type Metric } from "prom-client";

// One registry per process; every component registers its metrics here and /metrics serves it.
const globalForMetrics = globalThis as unknown as { pystolRegistry?: Registry };

export const registry: Registry =
  globalForMetrics.pystolRegistry ??
  (() => {
    const r = new Registry();
    collectDefaultMetrics({ register: r, prefix: "pystol_" });
    return r;
  })();
globalForMetrics.pystolRegistry = registry;

/**
 * The process's one metric of this name: the registered one when its module is evaluated again
 * (Next.js dev reloads, build workers collecting page data), else the one `create` makes.
 */
export function singleMetric<M extends Metric>(name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
