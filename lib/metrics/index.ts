import { Registry, collectDefaultMetrics } from "prom-client";

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
 * The metric of this name if the registry has it, else the one `make` creates. Next.js loads
 * a module once per route bundle (and again on dev reloads) into the same process, so a
 * module-level metric must reuse the registered one rather than register it twice.
 */
export function metricOnce<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
