import type { RunState } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { claimRun } from "./claim-run";
import { driveRun, StopDriving } from "./execute-run";
import { runDuration, runsFinished } from "./run-metrics";
import { LostOwnershipError, RunRecorder } from "./run-recorder";
import { runSettings } from "./run-settings";
import { onRunAbortNotice } from "./run-events";
import { db } from "@/lib/db";

const log = createLogger("runs");

export interface RunWorkerContext {
  workerId: string;
  /** Aborted when the worker process is leaving: held runs are released for another worker. */
  shutdown?: AbortSignal;
}

/**
 * Claims a run and drives it to a permanent state, heartbeating meanwhile. Returns the final
 * state, or null when the run was not claimable (held elsewhere, finished) or was let go
 * (taken over, or released at shutdown for another worker to resume).
 */
export async function processRun(runId: string, w: RunWorkerContext): Promise<RunState | null> {
  const s = runSettings();
  const claim = await claimRun(runId, w.workerId, s.RUN_STALE_MS);
  if (!claim) return null;
  const rec = new RunRecorder({ runId, teamId: claim.run.teamId, workerId: w.workerId, attempt: claim.run.attempt });
  const ctl = new AbortController();
  if (claim.run.abortRequestedAt) ctl.abort("abort");
  const beat = setInterval(() => {
    rec.heartbeat().then(
      (r) => r.abortRequested && !ctl.signal.aborted && ctl.abort("abort"),
      (err: Error) => {
        if (err instanceof LostOwnershipError) ctl.abort("lost");
        else log.warn({ runId, err: err.message }, "heartbeat failed");
      },
    );
  }, s.RUN_HEARTBEAT_MS);
  const stopNotice = onRunAbortNotice(runId, () => !ctl.signal.aborted && ctl.abort("abort"));
  const onShutdown = () => ctl.abort("shutdown");
  w.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const started = performance.now();
  try {
    const state = await driveRun(claim, rec, ctl.signal);
    const labels = { action: claim.run.actionId, outcome: state.toLowerCase() };
    runsFinished.inc(labels);
    runDuration.observe(labels, (performance.now() - started) / 1000);
    return state;
  } catch (err) {
    if (err instanceof LostOwnershipError || ctl.signal.reason === "lost") return null;
    if (err instanceof StopDriving || ctl.signal.reason === "shutdown") {
      // An old heartbeat lets the next sweep of any worker take the run at once.
      await rec.flush().catch(() => undefined);
      await db.run.updateMany({ where: { id: runId, workerId: w.workerId, attempt: claim.run.attempt }, data: { heartbeatAt: new Date(0) } });
      log.info({ runId }, "run released at shutdown");
      return null;
    }
    throw err;
  } finally {
    clearInterval(beat);
    stopNotice();
    w.shutdown?.removeEventListener("abort", onShutdown);
    await rec.flush().catch(() => undefined);
  }
}
