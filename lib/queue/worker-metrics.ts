import { Counter, Gauge, Histogram } from "prom-client";
import { registry, singleMetric } from "@/lib/metrics";
import { getQueue } from "./producer";
import { queueNames } from "./queues";

export type JobOutcome = "completed" | "failed" | "returned";

/** Jobs processed by this process, by type and outcome. */
export const jobsProcessed = singleMetric("pystol_jobs_processed_total", () =>
  new Counter({
    name: "pystol_jobs_processed_total",
    help: "Background jobs processed, by type and outcome",
    labelNames: ["type", "outcome"] as const,
    registers: [registry],
  }),
);

/** Time spent in a job's processing, by type. */
export const jobDuration = singleMetric("pystol_job_duration_seconds", () =>
  new Histogram({
    name: "pystol_job_duration_seconds",
    help: "Background job processing time",
    labelNames: ["type"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [registry],
  }),
);

// Read from Redis at scrape time, so every worker reports the same shared depth.
singleMetric("pystol_queue_depth", () =>
  new Gauge({
    name: "pystol_queue_depth",
    help: "Jobs waiting to start (waiting, delayed, prioritized), by queue",
    labelNames: ["queue"] as const,
    registers: [registry],
    // The same shared figure in every process: summed over the web processes it would be wrong.
    aggregator: "max",
    async collect() {
      for (const name of queueNames) {
        const c = await getQueue(name).getJobCounts("waiting", "delayed", "prioritized");
        this.set({ queue: name }, (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0));
      }
    },
  }),
);
