import { recordAudit } from "@/lib/audit";
import { db, Prisma } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { producerConnection } from "@/lib/queue";
import { kubeForCluster } from "./cluster-client";
import { pendingUndos, undoStep } from "./perform-undos";
import { publishRunEvents } from "./run-events";
import { processRun, type RunWorkerContext } from "./process-run";
import { runsRecovered } from "./run-metrics";
import { runQueue } from "./run-queue";
import { runSettings } from "./run-settings";

const log = createLogger("runs-sweep");
const BATCH = 50;

// A run that ended ROLLBACK_FAILED whose undos a later attempt carried out: its state follows
// its undos (ROLLED_BACK), with a log line saying when the cluster was restored.
async function settleRestoredRun(run: { id: string; teamId: string; error: string | null }): Promise<void> {
  if ((await pendingUndos(run.id)).length > 0) return;
  const now = new Date();
  const error = `${(run.error ?? "rolled back").replace(/; \d+ undos? failed$/, "")}; restored on a later attempt`;
  const settled = await db.$transaction(async (tx) => {
    const changed = await tx.run.updateMany({ where: { id: run.id, teamId: run.teamId, state: "ROLLBACK_FAILED" }, data: { state: "ROLLED_BACK", error } });
    if (changed.count > 0) {
      // A worker's change: no request, so no address.
      await recordAudit({ teamId: run.teamId, action: "run.state_changed", targetType: "run", targetId: run.id, data: { state: "ROLLED_BACK", from: "ROLLBACK_FAILED", error }, meta: { ip: null, userAgent: null } }, tx);
    }
    return changed;
  });
  if (settled.count === 0) return;
  const message = "every undo is now carried out: the cluster is restored";
  await db.runLog.create({ data: { runId: run.id, teamId: run.teamId, at: now, level: "info", message } });
  publishRunEvents({ runId: run.id, teamId: run.teamId }, [
    { type: "log", level: "info", message, at: now.toISOString() },
    { type: "state", state: "ROLLED_BACK", error, at: now.toISOString() },
  ]);
}

// Undos still open on runs that already ended: timed restores that came due, and every undo
// of a run whose rollback failed. Tried again at each sweep, so that nothing stays cordoned or
// scaled down because one attempt failed.
async function retryOrphanUndos(teamId?: string): Promise<number> {
  const steps = await db.runStep.findMany({
    where: {
      ...(teamId ? { teamId } : {}),
      undoneAt: null,
      NOT: { undo: { equals: Prisma.DbNull } },
      OR: [
        { undoDueAt: { lte: new Date() }, run: { state: { in: ["ROLLBACK_FAILED", "FAILED", "SUCCEEDED", "CANCELLED", "ROLLED_BACK"] } } },
        // Not for ever: a rollback that failed a day ago needs a person, not another attempt.
        { run: { state: "ROLLBACK_FAILED", finishedAt: { gte: new Date(Date.now() - 24 * 3600_000) } } },
      ],
    },
    include: { run: { include: { cluster: true } } },
    orderBy: { index: "desc" },
    take: BATCH,
  });
  let done = 0;
  const restored = new Map<string, (typeof steps)[number]["run"]>();
  for (const step of steps.filter((s) => s.undo !== null)) {
    try {
      const kube = await kubeForCluster(step.run.cluster);
      if ((await undoStep(kube, step.run.actionId, step, true)) === null) {
        done++;
        if (step.run.state === "ROLLBACK_FAILED") restored.set(step.runId, step.run);
      }
    } catch (err) {
      log.warn({ runId: step.runId, err: (err as Error).message }, "undo retry failed");
    }
  }
  for (const run of restored.values()) await settleRestoredRun(run).catch((err: Error) => log.warn({ runId: run.id, err: err.message }, "settling a restored run failed"));
  return done;
}

// Whether a worker still holds the run's queue message (BullMQ renews the lock while it works).
async function messageLocked(runId: string): Promise<boolean> {
  return (await producerConnection().exists(`${runQueue().toKey(runId)}:lock`)) === 1;
}

/**
 * One sweep, run by every worker: takes over runs whose worker stopped heartbeating (they are
 * resumed or rolled back), runs queued runs whose queue message was lost (Redis restarted
 * without persistence) or taken by a worker that died before claiming the run, and retries
 * undos left open. Returns what it started.
 */
export async function sweepRuns(
  w: RunWorkerContext,
  capacity: number,
  /** One team's runs only: for tests, which share one database with other files' workers. */
  scope: { teamId?: string } = {},
): Promise<{ takenOver: number; requeued: number; undone: number }> {
  const team = scope.teamId ? { teamId: scope.teamId } : {};
  const s = runSettings();
  const staleBefore = new Date(Date.now() - s.RUN_STALE_MS);
  const stale = await db.run.findMany({
    where: { ...team, state: { in: ["RUNNING", "ROLLING_BACK"] }, OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] },
    select: { id: true },
    take: Math.max(0, Math.min(BATCH, capacity)),
  });
  for (const { id } of stale) {
    runsRecovered.inc({ kind: "takeover" });
    void processRun(id, w).catch((err: Error) => log.error({ runId: id, err: err.message }, "recovered run failed"));
  }
  const waiting = await db.run.findMany({ where: { ...team, state: "QUEUED", queuedAt: { lt: staleBefore } }, select: { id: true }, take: BATCH });
  let requeued = 0;
  for (const { id } of waiting) {
    const job = await runQueue().getJob(id);
    const st = job ? await job.getState() : "missing";
    if (st === "waiting" || st === "delayed" || st === "prioritized") continue;
    // Taken by a worker that never claimed the run: once that worker's lock on the message has
    // lapsed it is gone, and the run is started here instead of waiting for BullMQ's stall check.
    if (st === "active" && (await messageLocked(id))) continue;
    await job?.remove().catch(() => undefined);
    runsRecovered.inc({ kind: "requeue" });
    requeued++;
    void processRun(id, w).catch((err: Error) => log.error({ runId: id, err: err.message }, "requeued run failed"));
  }
  const undone = await retryOrphanUndos(scope.teamId);
  if (undone) runsRecovered.inc({ kind: "undo" }, undone);
  if (stale.length || requeued || undone) log.info({ takenOver: stale.length, requeued, undone }, "sweep");
  return { takenOver: stale.length, requeued, undone };
}
