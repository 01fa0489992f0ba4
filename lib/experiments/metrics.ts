import { Counter, Histogram } from "prom-client";
import { registry, singleMetric } from "@/lib/metrics";

/** Check evaluations of executions (every phase), by check type and outcome. */
export const checkEvaluations = singleMetric("pystol_experiment_check_evaluations_total", () =>
  new Counter({
    name: "pystol_experiment_check_evaluations_total",
    help: "Check evaluations of experiment executions, by check type and outcome",
    labelNames: ["type", "outcome"] as const,
    registers: [registry],
  }),
);

/** How late a scheduled during-check started after its due time. */
export const checkLateness = singleMetric("pystol_experiment_check_lateness_seconds", () =>
  new Histogram({
    name: "pystol_experiment_check_lateness_seconds",
    help: "Time from a during-check's due time to the start of its evaluation",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
);

/** From a stop condition tripping to every fault of the execution rolled back. */
export const tripReaction = singleMetric("pystol_experiment_trip_reaction_seconds", () =>
  new Histogram({
    name: "pystol_experiment_trip_reaction_seconds",
    help: "Time from a stop condition tripping to every fault of its execution in a permanent state",
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  }),
);

/** Executions that reached their verdict in this worker, by verdict. */
export const executionsFinished = singleMetric("pystol_experiment_executions_total", () =>
  new Counter({
    name: "pystol_experiment_executions_total",
    help: "Experiment executions that reached their verdict, by verdict",
    labelNames: ["verdict"] as const,
    registers: [registry],
  }),
);
