import { ActionFailedError, RunAbortedError, describeKubeError, getAction, protectedNamespaces, type ActionContext, type JsonObject, type Plan } from "@/lib/actions";
import { db, type Prisma, type RunState } from "@/lib/db";
import type { Claim } from "./claim-run";
import { clusterOfRun, kubeForCluster } from "./cluster-client";
import { rollbackRun, settleRun, sleepUntil } from "./finish-run";
import { publishRunEvents } from "./run-events";
import { queueWait } from "./run-metrics";
import type { RunRecorder } from "./run-recorder";
import { createStepper } from "./run-steps";

/** Stops the drive without writing: the run was lost to another worker or the worker is leaving. */
export class StopDriving extends Error {}

function rethrowIfLeaving(signal: AbortSignal): void {
  if (signal.aborted && signal.reason !== "abort") throw new StopDriving(String(signal.reason));
}

/** Runs a freshly claimed run: execute the action, then settle or roll back. */
async function runFresh(claim: Claim, rec: RunRecorder, signal: AbortSignal): Promise<RunState> {
  const { run } = claim;
  const action = getAction(run.actionId)!;
  queueWait.observe({ action: action.id }, (Date.now() - run.queuedAt.getTime()) / 1000);
  // The claim already wrote RUNNING; only the live view needs telling.
  publishRunEvents({ runId: run.id, teamId: run.teamId }, [{ type: "state", state: "RUNNING", error: null, at: new Date().toISOString() }]);
  const cluster = claim.cluster !== undefined ? claim.cluster : await clusterOfRun(run);
  if (!cluster) return (await rec.setState("FAILED", {}, "the cluster was removed"), "FAILED");
  let kube;
  try {
    kube = await kubeForCluster(cluster);
  } catch (err) {
    return (await rec.setState("FAILED", {}, `cluster unreachable: ${describeKubeError(err)}`), "FAILED");
  }
  let undos = 0;
  const step = createStepper(rec, action.id, signal, 0);
  const ctx: ActionContext = {
    kube,
    protectedNamespaces: protectedNamespaces(cluster),
    runId: run.id,
    signal,
    log: (m, d, l) => rec.log(m, d, l),
    progress: (p) => rec.progress(p),
    step: (name, target, fn, opts) => {
      if (opts?.undo) undos++;
      return step(name, target, fn, opts);
    },
    sleep: (ms) => sleepUntil(new Date(Date.now() + ms), signal),
  };
  let result: JsonObject;
  try {
    result = await action.execute(ctx, action.params.parse(run.params), run.plan as unknown as Plan);
  } catch (err) {
    rethrowIfLeaving(signal);
    const aborted = err instanceof RunAbortedError || signal.aborted;
    const error = aborted ? "aborted" : describeKubeError(err);
    if (err instanceof ActionFailedError && err.result) {
      await db.run.update({ where: { id: run.id }, data: { result: err.result as Prisma.InputJsonValue } });
    }
    rec.log(`run ${aborted ? "aborted" : "failed"}: ${error}`, {}, aborted ? "warn" : "error");
    return rollbackRun(kube, action.id, rec, error, aborted);
  }
  const stored = result as Prisma.InputJsonValue;
  if (undos === 0) return (await rec.setState("SUCCEEDED", { progress: 100, result: stored }, null), "SUCCEEDED");
  // The result marks "execute finished": a worker that takes over now settles instead of rolling back.
  await rec.setState("RUNNING", { result: stored }, undefined);
  return settleRun(kube, action.id, rec, signal);
}

/** Continues a run taken over from a worker that stopped: settle it, or roll it back. */
async function runTakenOver(claim: Claim, rec: RunRecorder, signal: AbortSignal): Promise<RunState> {
  const { run } = claim;
  const actionId = run.actionId;
  await db.runStep.updateMany({ where: { runId: run.id, state: "RUNNING" }, data: { state: "FAILED", error: "interrupted: its worker stopped", finishedAt: new Date() } });
  rec.log(`taken over by ${rec.holder.workerId} (attempt ${run.attempt})`, {}, "warn");
  const cluster = await clusterOfRun(run);
  if (!cluster) return (await rec.setState("ROLLBACK_FAILED", {}, "the cluster was removed before its undo"), "ROLLBACK_FAILED");
  const kube = await kubeForCluster(cluster);
  if (claim.from === "RUNNING" && run.result !== null && run.abortRequestedAt === null) return settleRun(kube, actionId, rec, signal);
  return rollbackRun(kube, actionId, rec, run.error ?? "its worker stopped mid-run", run.abortRequestedAt !== null || claim.from === "ROLLING_BACK");
}

/** Drives a claimed run to a permanent state (or throws StopDriving when it must let go). */
export async function driveRun(claim: Claim, rec: RunRecorder, signal: AbortSignal): Promise<RunState> {
  if (!getAction(claim.run.actionId)) {
    await rec.setState("FAILED", {}, `unknown action ${claim.run.actionId}`);
    return "FAILED";
  }
  return claim.from === "QUEUED" ? runFresh(claim, rec, signal) : runTakenOver(claim, rec, signal);
}
