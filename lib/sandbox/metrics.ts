import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Metrics of the sandbox process, served on the admin interface's /metrics. */
export class SandboxMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: "sandbox_requests_total", help: "Kubernetes API requests by verb and status code", labelNames: ["verb", "code"], registers: [this.registry] });
  readonly latency = new Histogram({
    name: "sandbox_request_duration_seconds",
    help: "Kubernetes API request latency by verb (watches excluded)",
    labelNames: ["verb"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly clusters = new Gauge({ name: "sandbox_clusters", help: "Virtual clusters", registers: [this.registry] });
  readonly objects = new Gauge({ name: "sandbox_objects", help: "Stored objects across all virtual clusters", registers: [this.registry] });
  readonly watches = new Gauge({ name: "sandbox_watches", help: "Open watch streams", registers: [this.registry] });
  readonly storedBytes = new Gauge({ name: "sandbox_stored_bytes", help: "Bytes of stored objects (their JSON) across all virtual clusters", registers: [this.registry] });
  readonly refusals = new Counter({
    name: "sandbox_refusals_total",
    help: "Requests a virtual cluster's limits refused, by limit: body-size (413), objects and bytes (403 exceeded quota), watches and rate (429), json-depth (400, or 422 for a patch whose result nests too deep), patch-size (413 operations, 422 copied bytes)",
    labelNames: ["limit"],
    registers: [this.registry],
  });
}
