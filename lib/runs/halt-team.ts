import { db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { abortRun, type AbortedBy } from "./abort-run";

const log = createLogger("runs");

/**
 * The runs' part of halt-all: stops every pending run of a team. Queued runs are cancelled;
 * running ones are aborted and roll back what they changed; each run records who halted it.
 * Returns how many runs were asked to stop. Halt-all itself (executions first, then runs) is
 * `haltTeam` in lib/experiments, which is built on this module.
 */
export async function haltTeamRuns(teamId: string, by?: Omit<AbortedBy, "via">): Promise<{ cancelled: number; aborting: number }> {
  const pending = await db.run.findMany({
    where: { teamId, state: { in: ["QUEUED", "RUNNING", "ROLLING_BACK"] } },
    select: { id: true },
  });
  let cancelled = 0;
  let aborting = 0;
  for (const { id } of pending) {
    const state = await abortRun(teamId, id, by && { ...by, via: "halt" });
    if (state === "CANCELLED") cancelled++;
    // Its worker hears the abort at once and may already have rolled back by the time the
    // state is read: that run was stopped all the same.
    else if (state === "RUNNING" || state === "ROLLING_BACK" || state === "ROLLED_BACK" || state === "ROLLBACK_FAILED") aborting++;
  }
  log.warn({ teamId, cancelled, aborting }, "team halted");
  return { cancelled, aborting };
}
