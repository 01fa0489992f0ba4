import { db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { kubeForCluster } from "./cluster-client";
import { undoStep } from "./perform-undos";
import { processRun, type RunWorkerContext } from "./process-run";
import { runsRecovered } from "./run-metrics";
import { runQueue } from "./run-queue";
import { runSettings } from "./run-settings";

const log = createLogger("runs-sweep");
const BATCH = 50;

// Undos still open on runs that already ended (a rollback that failed): tried again when due,
// so that nothing stays cordoned or scaled down because one attempt failed.
async function retryOrphanUndos(): Promise<number> {
  const steps = await db.runStep.findMany({
    where: { undoneAt: null, undoDueAt: { lte: new Date() }, run: { state: { in: ["ROLLBACK_FAILED", "FAILED", "SUCCEEDED", "CANCELLED", "ROLLED_BACK"] } } },
    include: { run: { include: { cluster: true } } },
    take: BATCH,
  });
  let done = 0;
  for (const step of steps.filter((s) => s.undo !== null)) {
    try {
      const kube = await kubeForCluster(step.run.cluster);
      if ((await undoStep(kube, step.run.actionId, step, true)) === null) done++;
    } catch (err) {
      log.warn({ runId: step.runId, err: (err as Error).message }, "undo retry failed");
    }
  }
  return done;
}

/**
 * One sweep, run by every worker: takes over runs whose worker stopped heartbeating (they are
 * resumed or rolled back), runs queued runs whose queue message was lost (Redis restarted
 * without persistence), and retries undos left open. Returns what it started.
 */
export async function sweepRuns(w: RunWorkerContext, capacity: number): Promise<{ takenOver: number; requeued: number; undone: number }> {
  const s = runSettings();
  const staleBefore = new Date(Date.now() - s.RUN_STALE_MS);
  const stale = await db.run.findMany({
    where: { state: { in: ["RUNNING", "ROLLING_BACK"] }, OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] },
    select: { id: true },
    take: Math.max(0, Math.min(BATCH, capacity)),
  });
  for (const { id } of stale) {
    runsRecovered.inc({ kind: "takeover" });
    void processRun(id, w).catch((err: Error) => log.error({ runId: id, err: err.message }, "recovered run failed"));
  }
  const waiting = await db.run.findMany({ where: { state: "QUEUED", queuedAt: { lt: staleBefore } }, select: { id: true }, take: BATCH });
  let requeued = 0;
  for (const { id } of waiting) {
    const job = await runQueue().getJob(id);
    const st = job ? await job.getState() : "missing";
    if (st === "waiting" || st === "active" || st === "delayed" || st === "prioritized") continue;
    await job?.remove().catch(() => undefined);
    runsRecovered.inc({ kind: "requeue" });
    requeued++;
    void processRun(id, w).catch((err: Error) => log.error({ runId: id, err: err.message }, "requeued run failed"));
  }
  const undone = await retryOrphanUndos();
  if (undone) runsRecovered.inc({ kind: "undo" }, undone);
  if (stale.length || requeued || undone) log.info({ takenOver: stale.length, requeued, undone }, "sweep");
  return { takenOver: stale.length, requeued, undone };
}
