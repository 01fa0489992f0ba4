import { db, type RunState } from "@/lib/db";
import { publishRunEvents } from "./run-events";
import { runQueue } from "./run-queue";

/**
 * Asks one run of a team to stop. A queued run becomes CANCELLED at once; a running one is
 * marked, and its worker sees the mark at its next heartbeat or step, stops and rolls back.
 * Returns the state the run is in after the call, or null for no such run in the team.
 */
export async function abortRun(teamId: string, runId: string): Promise<RunState | null> {
  const now = new Date();
  const cancelled = await db.run.updateMany({
    where: { id: runId, teamId, state: "QUEUED" },
    data: { state: "CANCELLED", abortRequestedAt: now, finishedAt: now, error: "cancelled before it started" },
  });
  if (cancelled.count > 0) {
    publishRunEvents({ runId, teamId }, [{ type: "state", state: "CANCELLED", error: "cancelled before it started", at: now.toISOString() }]);
    await runQueue().remove(runId).catch(() => undefined);
    return "CANCELLED";
  }
  await db.run.updateMany({
    where: { id: runId, teamId, state: { in: ["RUNNING", "ROLLING_BACK"] }, abortRequestedAt: null },
    data: { abortRequestedAt: now },
  });
  const run = await db.run.findFirst({ where: { id: runId, teamId }, select: { state: true } });
  return run?.state ?? null;
}
