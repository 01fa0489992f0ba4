import { db, type Run } from "@/lib/db";

export interface Claim {
  run: Run;
  /** The state the run was in before this worker took it. */
  from: "QUEUED" | "RUNNING" | "ROLLING_BACK";
}

/**
 * Takes a run for this worker with one atomic conditional UPDATE: a queued run becomes
 * RUNNING, or a pending run whose heartbeat is older than staleMs changes hands. Two workers
 * racing for one run: PostgreSQL re-checks the condition after the first commit, so exactly
 * one wins. Returns null when the run is held, finished or gone.
 */
export async function claimRun(runId: string, workerId: string, staleMs: number): Promise<Claim | null> {
  const at = new Date();
  const fresh = await db.run.updateManyAndReturn({
    where: { id: runId, state: "QUEUED" },
    data: { state: "RUNNING", workerId, heartbeatAt: at, startedAt: at, attempt: { increment: 1 } },
  });
  if (fresh[0]) return { run: fresh[0], from: "QUEUED" };
  const before = await db.run.findUnique({ where: { id: runId }, select: { state: true } });
  if (before?.state !== "RUNNING" && before?.state !== "ROLLING_BACK") return null;
  const taken = await db.run.updateManyAndReturn({
    where: {
      id: runId,
      state: before.state,
      OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(at.getTime() - staleMs) } }],
    },
    data: { workerId, heartbeatAt: at, attempt: { increment: 1 } },
  });
  return taken[0] ? { run: taken[0], from: before.state } : null;
}
