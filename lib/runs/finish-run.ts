import { RunAbortedError, type ActionKube } from "@/lib/actions";
import type { RunState } from "@/lib/db";
import { isCleanup, pendingUndos, undoStep } from "./perform-undos";
import type { RunRecorder } from "./run-recorder";
import { plural } from "@/lib/text";

/** Sleeps until `at`, waking early when the signal aborts (then throws RunAbortedError). */
export async function sleepUntil(at: Date, signal: AbortSignal): Promise<void> {
  const ms = at.getTime() - Date.now();
  if (ms <= 0) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      reject(new RunAbortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", done);
      resolve();
    }, ms);
    if (signal.aborted) done();
    else signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * After execute(): waits for each timed undo (uncordon, restore replicas) to come due and
 * carries it out, removes what the run created, then marks the run SUCCEEDED. An abort while
 * waiting turns into a rollback of what is left.
 */
export async function settleRun(kube: ActionKube, actionId: string, rec: RunRecorder, signal: AbortSignal): Promise<RunState> {
  const steps = (await pendingUndos(rec.holder.runId)).sort((a, b) => (a.undoDueAt?.getTime() ?? 0) - (b.undoDueAt?.getTime() ?? 0));
  for (const step of steps) {
    if (!step.undoDueAt) continue;
    try {
      await sleepUntil(step.undoDueAt, signal);
    } catch (err) {
      // Only an abort asked for by a person rolls back; a shutdown or a lost hold leaves the run to its next holder.
      if (err instanceof RunAbortedError && signal.reason === "abort") {
        return rollbackRun(kube, actionId, rec, "aborted while waiting to restore", true);
      }
      throw err;
    }
    const error = await undoStep(kube, actionId, step, false);
    if (error) {
      rec.log(`restore "${step.name}" failed: ${error}`, {}, "error");
      return rollbackRun(kube, actionId, rec, `restore failed: ${error}`);
    }
    // Removing what the run created (probe pods, a job) is a clean-up, not a restore.
    rec.log(isCleanup(step) ? `removed what "${step.name}" created` : `restored after "${step.name}"`);
  }
  // Steps with an undo but no due time are undone only on failure; nothing more to do.
  await rec.setState("SUCCEEDED", { progress: 100 }, null);
  return "SUCCEEDED";
}

/**
 * The failure path: a run whose steps changed lasting state goes ROLLING_BACK and undoes
 * them (latest first) → ROLLED_BACK, or ROLLBACK_FAILED if an undo fails for good. A run that
 * changed nothing lasting only has its created objects removed → FAILED. Aborted runs always
 * end ROLLED_BACK.
 */
export async function rollbackRun(kube: ActionKube, actionId: string, rec: RunRecorder, error: string, aborted = false): Promise<RunState> {
  const steps = await pendingUndos(rec.holder.runId);
  const lasting = steps.filter((s) => !isCleanup(s));
  if (lasting.length === 0 && !aborted && !error.startsWith("aborted")) {
    for (const s of steps) await undoStep(kube, actionId, s, true);
    await rec.setState("FAILED", {}, error);
    return "FAILED";
  }
  await rec.setState("ROLLING_BACK", {}, error);
  rec.log(`rolling back ${plural(steps.length, "step")}: ${error}`, {}, "warn");
  let failed = 0;
  for (const s of steps) {
    const e = await undoStep(kube, actionId, s, true);
    if (e) {
      failed++;
      rec.log(`undo of "${s.name}" failed: ${e}`, {}, "error");
    }
  }
  const state: RunState = failed > 0 ? "ROLLBACK_FAILED" : "ROLLED_BACK";
  await rec.setState(state, {}, failed > 0 ? `${error}; ${plural(failed, "undo")} failed` : error);
  return state;
}
