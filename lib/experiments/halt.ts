import { haltTeamRuns, type AbortedBy } from "@/lib/runs";
import { haltTeamExecutions } from "./executions";

/**
 * Halt-all: stops everything of a team that is changing its clusters. The team's experiment
 * executions first, so that none starts a further fault meanwhile (each ends STOPPED, "halted
 * by …", once its faults are rolled back), then every pending run: queued ones are cancelled,
 * running ones aborted and rolled back, each recording who halted it.
 */
export async function haltTeam(teamId: string, by?: Omit<AbortedBy, "via">): Promise<{ cancelled: number; aborting: number }> {
  await haltTeamExecutions(teamId, by);
  return haltTeamRuns(teamId, by);
}
