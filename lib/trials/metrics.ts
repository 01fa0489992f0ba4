import { Gauge } from "prom-client";
import { db } from "@/lib/db";
import { registry } from "@/lib/metrics";
import { countActiveTrials } from "./limits";

const globalForTrials = globalThis as unknown as { pystolTrialsActive?: Gauge };

/** Trials alive right now, counted in PostgreSQL whenever /metrics is scraped. */
export const trialsActive: Gauge =
  globalForTrials.pystolTrialsActive ??
  new Gauge({
    name: "pystol_trials_active",
    help: "Trials (anonymous \"Try it now\" teams) that have not expired",
    registers: [registry],
    async collect() {
      this.set(await countActiveTrials(db));
    },
  });
globalForTrials.pystolTrialsActive = trialsActive;
