import { Counter, Histogram } from "prom-client";
import { registry, singleMetric } from "@/lib/metrics";
import type { KubeCallEvent } from "./http-library";

const duration = singleMetric("pystol_kube_request_duration_seconds", () =>
  new Histogram({
    name: "pystol_kube_request_duration_seconds",
    help: "Kubernetes API request latency, by target kind, method and status class",
    labelNames: ["target", "method", "status"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
);

const errors = singleMetric("pystol_kube_request_errors_total", () =>
  new Counter({
    name: "pystol_kube_request_errors_total",
    help: "Kubernetes API requests that failed before or without an HTTP answer, or with 4xx/5xx",
    labelNames: ["target", "code"] as const,
    registers: [registry],
  }),
);

/** The default `observe` hook of the guarded client: one place for API latency and errors. */
export function recordKubeCall(e: KubeCallEvent): void {
  const status = e.status === undefined ? "error" : `${Math.floor(e.status / 100)}xx`;
  duration.observe({ target: e.target, method: e.method, status }, e.seconds);
  if (e.error !== undefined) errors.inc({ target: e.target, code: e.error });
  else if (e.status !== undefined && e.status >= 400)
    errors.inc({ target: e.target, code: String(e.status) });
}
