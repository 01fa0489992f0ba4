import { RunAbortedError, describeKubeError, undoSchema, type Json, type StepOptions, type Target } from "@/lib/actions";
import { createId, db, type Prisma } from "@/lib/db";
import { publishRunEvents } from "./run-events";
import { stepDuration } from "./run-metrics";
import type { RunRecorder } from "./run-recorder";

const DEFAULT_TIMEOUT_MS = 30_000;
const RETRY_DELAY_MS = 200;

// Runs fn with a signal that aborts on the run's abort or on the step's timeout.
async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, runSignal: AbortSignal, name: string): Promise<T> {
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  runSignal.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctl.abort();
      reject(new Error(`step "${name}" timed out after ${Math.round(ms / 1000)}s`));
    }, ms);
  });
  try {
    return await Promise.race([fn(ctl.signal), timeout]);
  } finally {
    clearTimeout(timer);
    runSignal.removeEventListener("abort", onAbort);
  }
}

const asJson = (v: unknown) => (v === undefined ? undefined : (v as Prisma.InputJsonValue));

// A step without an undo that ends within this time is written once, when it ends; a longer
// one is written as RUNNING when this time is up, so the timeline shows it under way.
const QUICK_STEP_MS = 1_000;

/**
 * The step() of an action context: each call becomes a RunStep row, marked SUCCEEDED or
 * FAILED when it ends. A step with an undo is written BEFORE it acts (with its undo record and
 * when that undo is due), so that whoever takes the run over can undo it. A step without one
 * has nothing to undo: it is written as RUNNING only if it lasts (QUICK_STEP_MS); a quick one
 * (a pod deletion) is handed to the recorder when it ends, which stores it with the run's next
 * write (its state change, heartbeat or flush) rather than in a statement of its own. Steps
 * marked with retries are repeated after a failure; none is repeated after an abort.
 */
export function createStepper(rec: RunRecorder, actionId: string, signal: AbortSignal, firstIndex: number) {
  let next = firstIndex;
  const { runId, teamId } = rec.holder;
  return async function step<T extends Json | void>(
    name: string,
    target: Target | null,
    fn: (signal: AbortSignal) => Promise<T>,
    opts: StepOptions = {},
  ): Promise<T> {
    if (signal.aborted) throw new RunAbortedError();
    const index = next++;
    const undo = opts.undo ? undoSchema.parse(opts.undo) : undefined;
    const startedAt = new Date();
    const undoDueAt = undo && opts.undoAfterMs !== undefined ? new Date(startedAt.getTime() + opts.undoAfterMs) : null;
    const row = { runId, teamId, index, name, target: asJson(target), before: asJson(opts.before), undo: asJson(undo), undoDueAt, startedAt };
    let written: Promise<string> | undefined;
    const writeRunning = () => (written ??= db.runStep.create({ data: { ...row, state: "RUNNING" }, select: { id: true } }).then((r) => r.id));
    let lasting: NodeJS.Timeout | undefined;
    if (undo) await writeRunning();
    else {
      lasting = setTimeout(() => writeRunning().catch((err: Error) => rec.log(`step "${name}" not recorded yet: ${err.message}`, {}, "warn")), QUICK_STEP_MS);
    }
    const finish = async (data: { state: "SUCCEEDED" | "FAILED"; after?: Prisma.InputJsonValue; error?: string }) => {
      clearTimeout(lasting);
      const done = { ...data, finishedAt: new Date() };
      if (written) await db.runStep.update({ where: { id: await written }, data: done });
      // Nothing to undo and never written: stored with the run's next write, like its log lines.
      else rec.finishedStep({ id: createId(), index, name, target: row.target, before: row.before, startedAt, ...done });
    };
    const end = stepDuration.startTimer({ action: actionId });
    const attempts = 1 + (opts.retries ?? 0);
    for (let attempt = 1; ; attempt++) {
      try {
        const after = await withTimeout(fn, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal, name);
        await finish({ state: "SUCCEEDED", after: asJson(after ?? null) });
        end({ outcome: "succeeded" });
        publishRunEvents(rec.holder, [{ type: "step", index, name, state: "SUCCEEDED", at: new Date().toISOString(), undoDueAt: undoDueAt?.toISOString() ?? null }]);
        return after;
      } catch (err) {
        const error = describeKubeError(err);
        if (attempt < attempts && !signal.aborted && !(err instanceof RunAbortedError)) {
          rec.log(`step "${name}" failed (${error}); trying again`, {}, "warn");
          await new Promise((r) => setTimeout(r, RETRY_DELAY_MS * attempt));
          continue;
        }
        await finish({ state: "FAILED", error });
        end({ outcome: "failed" });
        publishRunEvents(rec.holder, [{ type: "step", index, name, state: "FAILED", error, at: new Date().toISOString() }]);
        throw err;
      }
    }
  };
}
