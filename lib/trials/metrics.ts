import { Gauge } from "prom-client";
import { db } from "@/lib/db";
import { registry, singleMetric } from "@/lib/metrics";
import { countActiveTrials } from "./limits";

/** Trials alive right now, counted in PostgreSQL whenever /metrics is scraped. */
export const trialsActive = singleMetric("pystol_trials_active", () =>
  new Gauge({
    name: "pystol_trials_active",
    help: "Trials (anonymous \"Try it now\" teams) that have not expired",
    registers: [registry],
    // The same shared figure in every process: summed over the web processes it would be wrong.
    aggregator: "max",
    async collect() {
      this.set(await countActiveTrials(db));
    },
  }),
);
