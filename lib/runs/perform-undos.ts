import { describeKubeError, getAction, performUndo, undoSchema, type ActionKube } from "@/lib/actions";
import { db, type RunStep } from "@/lib/db";
import { publishRunEvents } from "./run-events";

const ATTEMPTS = 3;

/** Undo kinds that only remove what the run created (probe pods, jobs): cleanup, not restore. */
export const isCleanup = (step: Pick<RunStep, "undo">) => {
  const u = undoSchema.safeParse(step.undo);
  return u.success && (u.data.kind === "delete-pods" || u.data.kind === "delete-job");
};

/** Steps of a run whose undo has not been carried out yet, latest first. */
export async function pendingUndos(runId: string): Promise<RunStep[]> {
  const steps = await db.runStep.findMany({ where: { runId, undoneAt: null }, orderBy: { index: "desc" } });
  return steps.filter((s) => s.undo !== null);
}

/**
 * Carries out one step's undo (retrying: undos are idempotent) and records it; the step
 * becomes ROLLED_BACK when it is a rollback, or keeps its state with undoneAt for a timed
 * restore. Returns the error message when every attempt failed.
 */
export async function undoStep(kube: ActionKube, actionId: string, step: RunStep, rollback: boolean): Promise<string | null> {
  const undo = undoSchema.parse(step.undo);
  const run = getAction(actionId)?.rollback ?? performUndo;
  let error = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      await run(kube, undo);
      const state = rollback || step.state !== "SUCCEEDED" ? "ROLLED_BACK" : step.state;
      await db.runStep.update({ where: { id: step.id }, data: { undoneAt: new Date(), state } });
      publishRunEvents(step, [{ type: "step", index: step.index, name: step.name, state, at: new Date().toISOString(), undoDueAt: step.undoDueAt?.toISOString() ?? null, undone: true }]);
      return null;
    } catch (err) {
      error = describeKubeError(err);
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
  await db.runStep.update({ where: { id: step.id }, data: { state: "ROLLBACK_FAILED", error: `undo failed: ${error}` } });
  publishRunEvents(step, [{ type: "step", index: step.index, name: step.name, state: "ROLLBACK_FAILED", error, at: new Date().toISOString() }]);
  return error;
}
