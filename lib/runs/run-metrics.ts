import { Counter, Gauge, Histogram } from "prom-client";
import { registry, singleMetric } from "@/lib/metrics";
import { runQueue } from "./run-queue";

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Run requests seen by the web side: queued, or refused with a reason code. */
export const runsRequested = singleMetric("pystol_runs_requested_total", () =>
  new Counter({
    name: "pystol_runs_requested_total",
    help: "Run requests, by action and result (queued or the refusal code)",
    labelNames: ["action", "result"] as const,
    registers: [registry],
  }),
);

/** Runs that reached a permanent state in this worker, by action and final state. */
export const runsFinished = singleMetric("pystol_runs_finished_total", () =>
  new Counter({
    name: "pystol_runs_finished_total",
    help: "Runs finished, by action and outcome (the permanent state)",
    labelNames: ["action", "outcome"] as const,
    registers: [registry],
  }),
);

export const runDuration = singleMetric("pystol_run_duration_seconds", () =>
  new Histogram({
    name: "pystol_run_duration_seconds",
    help: "Run time from start of execution to its permanent state",
    labelNames: ["action", "outcome"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  }),
);

export const stepDuration = singleMetric("pystol_run_step_duration_seconds", () =>
  new Histogram({
    name: "pystol_run_step_duration_seconds",
    help: "Time of one recorded step, by action and step outcome",
    labelNames: ["action", "outcome"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  }),
);

export const queueWait = singleMetric("pystol_run_queue_wait_seconds", () =>
  new Histogram({
    name: "pystol_run_queue_wait_seconds",
    help: "Time a run waited between being queued and a worker claiming it",
    labelNames: ["action"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120],
    registers: [registry],
  }),
);

export const runsRecovered = singleMetric("pystol_runs_recovered_total", () =>
  new Counter({
    name: "pystol_runs_recovered_total",
    help: "Runs taken over from a worker that stopped heartbeating, and undos carried out by the sweep",
    labelNames: ["kind"] as const,
    registers: [registry],
  }),
);

export const kubeRequestDuration = singleMetric("pystol_kube_api_request_duration_seconds", () =>
  new Histogram({
    name: "pystol_kube_api_request_duration_seconds",
    help: "Kubernetes API call latency from runs, by operation and status code",
    labelNames: ["operation", "code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  }),
);

export const kubeRequestErrors = singleMetric("pystol_kube_api_errors_total", () =>
  new Counter({
    name: "pystol_kube_api_errors_total",
    help: "Kubernetes API calls from runs that failed, by operation and status code (0: no answer)",
    labelNames: ["operation", "code"] as const,
    registers: [registry],
  }),
);

// Read from Redis at scrape time, so every process reports the same shared depth.
singleMetric("pystol_run_queue_depth", () =>
  new Gauge({
    name: "pystol_run_queue_depth",
    help: "Runs waiting in the runs queue (waiting, delayed, prioritized) and being processed (active)",
    labelNames: ["status"] as const,
    registers: [registry],
    // The same shared figure in every process: summed over the web processes it would be wrong.
    aggregator: "max",
    async collect() {
      const c = await runQueue().getJobCounts("waiting", "delayed", "prioritized", "active");
      this.set({ status: "waiting" }, (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0));
      this.set({ status: "active" }, c.active ?? 0);
    },
  }),
);
