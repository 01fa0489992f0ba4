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
