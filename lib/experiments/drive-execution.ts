import { RunRefusedError } from "@/lib/actions";
import type { CheckContext, CheckOutcome } from "@/lib/checks";
import { db, type ExecutionState, type ExperimentExecution, type Prisma, type RunState } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { abortRun, PERMANENT_STATES, startRun, subscribeRunEvents, type AbortedBy } from "@/lib/runs";
import { plural } from "@/lib/text";
import { checkContextFor } from "./check-context";
import { z } from "zod";
import { phasesOf, type ExperimentDefinition } from "./definition";
import { onExecutionControl, publishExecutionEvents, type ExecutionRef } from "./execution-events";
import { ACTIVE_RUN_STATES, scheduleDuringChecks } from "./during-checks";
import { describeTrip, hasTripped, resilienceScore, type CheckOutcomes } from "./judge";
import { executionsFinished, tripReaction } from "./metrics";
import { faultSeed, stepLabel } from "./plan-experiment";
import { sampleCheck } from "./samples";
import { experimentSettings } from "./settings";
import { PENDING_EXECUTION_STATES, type Verdict } from "./states";
import { getAction } from "@/lib/actions";
import { notifyExecutionVerdictSafely } from "@/lib/webhooks/notify";

const log = createLogger("experiments");

export interface ExecutionWorkerContext {
  workerId: string;
  /** Aborted when the worker process is leaving: a held execution is released for another worker. */
  shutdown?: AbortSignal;
}

/** Why an execution stops before its faults ran their course; the first reason wins. */
type Stop =
  | { kind: "trip" }
  | { kind: "abort"; by: AbortedBy }
  | { kind: "max-duration" }
  | { kind: "error"; reason: string };

/** The driver let go of the execution without writing (taken over, finished elsewhere, or released at shutdown). */
class LetGo extends Error {}

type Claimed = { row: ExperimentExecution; from: ExecutionState };

// A queued execution becomes CHECKING for this worker; a pending one whose heartbeat is older
// than staleMs changes hands. Conditional UPDATEs, as for runs: of two workers racing, one wins.
async function claimExecution(executionId: string, workerId: string, staleMs: number): Promise<Claimed | null> {
  const at = new Date();
  const fresh = await db.experimentExecution.updateManyAndReturn({
    where: { id: executionId, state: "QUEUED" },
    data: { state: "CHECKING", workerId, heartbeatAt: at, startedAt: at, attempt: { increment: 1 } },
  });
  if (fresh[0]) return { row: fresh[0], from: "QUEUED" };
  const before = await db.experimentExecution.findUnique({ where: { id: executionId }, select: { state: true } });
  if (!before || before.state === "QUEUED" || !(PENDING_EXECUTION_STATES as readonly string[]).includes(before.state)) return null;
  const taken = await db.experimentExecution.updateManyAndReturn({
    where: { id: executionId, state: before.state, OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(at.getTime() - staleMs) } }] },
    data: { workerId, heartbeatAt: at, attempt: { increment: 1 } },
  });
  return taken[0] ? { row: taken[0], from: before.state } : null;
}

const abortedBySchemaLike = (v: unknown): AbortedBy | null => {
  const o = v as Partial<AbortedBy> | null;
  return o && typeof o.name === "string" ? { name: o.name, userId: o.userId ?? null, tokenId: o.tokenId ?? null, via: o.via === "halt" ? "halt" : "run" } : null;
};

const isPermanentRun = (s: RunState) => (PERMANENT_STATES as readonly RunState[]).includes(s);

/**
 * What an execution whose stored definition cannot be read is driven with: no stage to start and
 * no check to judge, so the only path is the stop path, which still ends every run it holds.
 */
// Only the shape the driver walks: the store saved the definition through the full schema, and
// a fault step whose action no longer takes its parameters is refused when its run is planned.
const drivableShape = z.looseObject({
  stages: z.array(z.looseObject({ name: z.string(), faults: z.array(z.looseObject({ actionId: z.string() })) })),
  checks: z.array(z.looseObject({ name: z.string(), type: z.string(), mode: z.string() })),
  recoveryWindowSeconds: z.number(),
  maxDurationSeconds: z.number(),
});
const UNREADABLE_DEFINITION: ExperimentDefinition = { description: "", stages: [], checks: [], recoveryWindowSeconds: 0, maxDurationSeconds: 24 * 3600 };

class Driver {
  readonly ref: ExecutionRef;
  readonly definition: ExperimentDefinition;
  /** Why the stored definition cannot be driven (a row not written by the store); null when it can. */
  readonly unreadable: string | null;
  readonly attempt: number;
  experimentName = "";
  stop: Stop | null = null;
  lost = false;
  private wakers = new Set<() => void>();
  private checkCtx: Promise<CheckContext> | undefined;

  constructor(
    readonly row: ExperimentExecution,
    readonly w: ExecutionWorkerContext,
  ) {
    this.ref = { executionId: row.id, teamId: row.teamId };
    const shape = drivableShape.safeParse(row.definition);
    this.definition = shape.success ? (row.definition as ExperimentDefinition) : UNREADABLE_DEFINITION;
    this.unreadable = shape.success ? null : shape.error.issues.map((i) => `${i.path.map(String).join(".") || "the definition"}: ${i.message}`).join("; ");
    this.attempt = row.attempt;
  }

  /** Wakes every wait now (a notice, a run event, a stop). */
  wake() {
    const all = [...this.wakers];
    this.wakers.clear();
    for (const fn of all) fn();
  }

  /** Waits ms, or less when woken. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wakers.add(done);
    });
  }

  /** What stopped it so far (a method: a stop is set from timers and notices, between awaits). */
  stopKind(): Stop["kind"] | null {
    return this.stop?.kind ?? null;
  }

  setStop(stop: Stop) {
    if (this.stop) return;
    this.stop = stop;
    this.wake();
  }

  /** Proves the hold and reads what others asked (an abort, a halt, a trip). */
  async heartbeat(): Promise<void> {
    const rows = await db.experimentExecution.updateManyAndReturn({
      where: { id: this.ref.executionId, workerId: this.w.workerId, attempt: this.attempt, state: { in: [...PENDING_EXECUTION_STATES] } },
      data: { heartbeatAt: new Date() },
      select: { state: true, trippedBy: true, abortedBy: true, abortRequestedAt: true },
    });
    const r = rows[0];
    if (!r) {
      this.lost = true;
      this.wake();
      return;
    }
    if (r.trippedBy) this.setStop({ kind: "trip" });
    const by = r.abortRequestedAt ? abortedBySchemaLike(r.abortedBy) : null;
    if (by) this.setStop({ kind: "abort", by });
  }

  private leaveIfLost() {
    if (this.lost || this.w.shutdown?.aborted) throw new LetGo();
  }

  /** Moves to a pending state unless a trip made it STOPPING meanwhile (then it reads why). */
  async moveTo(state: ExecutionState, data: Prisma.ExperimentExecutionUpdateManyMutationInput = {}): Promise<boolean> {
    this.leaveIfLost();
    const moved = await db.experimentExecution.updateMany({
      where: { id: this.ref.executionId, workerId: this.w.workerId, attempt: this.attempt, state: { in: PENDING_EXECUTION_STATES.filter((s) => s !== "STOPPING") } },
      data: { state, ...data },
    });
    if (moved.count === 0) {
      await this.heartbeat();
      this.leaveIfLost();
      return false;
    }
    publishExecutionEvents(this.ref, [{ type: "state", state, reason: null, at: new Date().toISOString() }]);
    return true;
  }

  context(): Promise<CheckContext> {
    this.checkCtx ??= db.cluster
      .findFirstOrThrow({ where: { id: this.row.clusterId, teamId: this.row.teamId }, select: { id: true, kind: true, sandboxClusterId: true, sandboxShard: true, updatedAt: true, kubeconfigCiphertext: true } })
      .then((c) => checkContextFor(this.row.teamId, c));
    return this.checkCtx;
  }

  /** Evaluates the checks of a phase once each, in parallel; stores and publishes each sample. */
  async evaluatePhase(phase: "before" | "after", only?: Set<number>) {
    const ctx = await this.context();
    const due = this.definition.checks.map((check, index) => ({ check, index })).filter(({ check, index }) => phasesOf(check.mode).includes(phase) && (!only || only.has(index)));
    return Promise.all(due.map(async ({ check, index }) => ({ index, check, result: await sampleCheck(this.ref, ctx, check, index, phase) })));
  }

  async runsOf() {
    return db.run.findMany({
      where: { executionId: this.ref.executionId, teamId: this.ref.teamId },
      select: { id: true, state: true, error: true, stageIndex: true, faultIndex: true, startedAt: true, queuedAt: true, finishedAt: true, abortRequestedAt: true },
      orderBy: { queuedAt: "asc" },
    });
  }

  /** The verdict, once: only while this worker holds the execution. */
  async finish(verdict: Verdict, reason: string): Promise<Verdict> {
    const score = await this.score();
    const at = new Date();
    const done = await db.experimentExecution.updateMany({
      where: { id: this.ref.executionId, workerId: this.w.workerId, attempt: this.attempt, state: { in: [...PENDING_EXECUTION_STATES] } },
      data: { state: verdict, reason, score, finishedAt: at },
    });
    if (done.count === 0) throw new LetGo();
    publishExecutionEvents(this.ref, [{ type: "state", state: verdict, reason, score, at: at.toISOString() }]);
    // The team's webhooks (a scheduled execution that failed, a score that dropped): queued, not sent here.
    await notifyExecutionVerdictSafely(this.ref.executionId);
    executionsFinished.inc({ verdict: verdict.toLowerCase() });
    log.info({ executionId: this.ref.executionId, verdict, score, reason }, "execution finished");
    return verdict;
  }

  async score(): Promise<number | null> {
    const samples = await db.checkSample.findMany({ where: { executionId: this.ref.executionId }, select: { checkIndex: true, phase: true, outcome: true }, orderBy: { at: "asc" } });
    const per: CheckOutcomes[] = this.definition.checks.map(() => ({ before: null, during: [], after: null }));
    for (const s of samples) {
      const c = per[s.checkIndex];
      if (!c) continue;
      const o = s.outcome as CheckOutcome;
      if (s.phase === "during") c.during.push(o);
      else if (s.phase === "before") c.before = o;
      else c.after = o;
    }
    const row = await db.experimentExecution.findUnique({ where: { id: this.ref.executionId }, select: { trippedBy: true } });
    return resilienceScore(per, row?.trippedBy != null);
  }
}

/**
 * Claims an execution and drives it to its verdict, heartbeating meanwhile. Returns the
 * verdict, or null when it was not claimable or was let go (taken over, finished elsewhere,
 * released at shutdown).
 */
export async function processExecution(executionId: string, w: ExecutionWorkerContext): Promise<ExecutionState | null> {
  const s = experimentSettings();
  const claim = await claimExecution(executionId, w.workerId, s.EXPERIMENT_STALE_MS);
  if (!claim) return null;
  const d = new Driver(claim.row, w);
  const experiment = await db.experiment.findUnique({ where: { id: claim.row.experimentId }, select: { name: true } });
  d.experimentName = experiment?.name ?? "the experiment";
  const beat = setInterval(() => void d.heartbeat().catch((err: Error) => log.warn({ executionId, err: err.message }, "heartbeat failed")), s.EXPERIMENT_HEARTBEAT_MS);
  const stopNotice = onExecutionControl(executionId, () => void d.heartbeat().catch(() => undefined));
  const onShutdown = () => d.wake();
  w.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const startedAt = (claim.row.startedAt ?? new Date()).getTime();
  const maxTimer = setTimeout(() => d.setStop({ kind: "max-duration" }), startedAt + d.definition.maxDurationSeconds * 1000 - Date.now());
  try {
    await d.heartbeat();
    if (d.unreadable !== null) {
      // Retrying cannot help (every sweep would take it over and fail again): its faults are
      // rolled back through the stop path and it ends in error, saying why.
      d.setStop({ kind: "error", reason: `its stored definition could not be read (${d.unreadable}); every fault it held was rolled back` });
      return await stopAndJudge(d);
    }
    return await drive(d, claim.from);
  } catch (err) {
    if (err instanceof LetGo) {
      if (w.shutdown?.aborted && !d.lost) {
        // An old heartbeat lets the next sweep of any worker take it at once.
        await db.experimentExecution.updateMany({ where: { id: executionId, workerId: w.workerId, attempt: d.attempt }, data: { heartbeatAt: new Date(0) } });
        log.info({ executionId }, "execution released at shutdown");
      }
      return null;
    }
    throw err;
  } finally {
    clearInterval(beat);
    clearTimeout(maxTimer);
    stopNotice();
    w.shutdown?.removeEventListener("abort", onShutdown);
  }
}

async function drive(d: Driver, from: ExecutionState): Promise<ExecutionState> {
  const row = d.row;
  switch (from) {
    case "QUEUED":
      publishExecutionEvents(d.ref, [{ type: "state", state: "CHECKING", reason: null, at: new Date().toISOString() }]);
      return fromTheStart(d);
    case "CHECKING":
      // Nothing was injected yet: the before-checks are simply taken again.
      return fromTheStart(d);
    case "RECOVERING": {
      const ended = row.faultsEndedAt ?? new Date();
      return recover(d, ended.getTime() + d.definition.recoveryWindowSeconds * 1000);
    }
    default:
      // INJECTING, OBSERVING, STOPPING: the faults it held are ended rather than resumed
      // half-observed; a stop already asked for keeps its reason.
      d.setStop({ kind: "error", reason: "its worker stopped mid-experiment; every fault was rolled back" });
      return stopAndJudge(d);
  }
}

async function fromTheStart(d: Driver): Promise<ExecutionState> {
  const before = await d.evaluatePhase("before");
  if (d.stop) return stopAndJudge(d);
  const failed = before.find((b) => b.result.outcome !== "pass");
  if (failed) return d.finish("NOT_STARTED", `the before-check "${failed.check.name}" did not pass: ${failed.result.observed}`);

  let firstInjection = true;
  for (const [s, stage] of d.definition.stages.entries()) {
    if (d.stop || !(await d.moveTo("INJECTING", { stageIndex: s }))) return stopAndJudge(d);
    publishExecutionEvents(d.ref, [{ type: "stage", index: s, name: stage.name, status: "started", at: new Date().toISOString() }]);
    const started = await injectStage(d, s);
    if (firstInjection) {
      firstInjection = false;
      await scheduleDuringChecks(d.ref.executionId, d.definition, Date.now());
    }
    if (!started || d.stop) return stopAndJudge(d);
    if (!(await d.moveTo("OBSERVING"))) return stopAndJudge(d);
    await observeStage(d, s);
    if (d.stop) return stopAndJudge(d);
    publishExecutionEvents(d.ref, [{ type: "stage", index: s, name: stage.name, status: "ended", at: new Date().toISOString() }]);
    if (stage.waitAfterSeconds > 0) {
      const until = Date.now() + stage.waitAfterSeconds * 1000;
      while (!d.stop && Date.now() < until) {
        await d.sleep(until - Date.now());
        if (d.lost || d.w.shutdown?.aborted) throw new LetGo();
      }
      if (d.stop) return stopAndJudge(d);
    }
  }
  const ended = new Date();
  if (!(await d.moveTo("RECOVERING", { faultsEndedAt: ended }))) return stopAndJudge(d);
  return recover(d, ended.getTime() + d.definition.recoveryWindowSeconds * 1000);
}

/** Starts every fault step of a stage as a run of the execution. False when a step was refused (the stop is set). */
async function injectStage(d: Driver, s: number): Promise<boolean> {
  const stage = d.definition.stages[s]!;
  const existing = await d.runsOf();
  const results = await Promise.all(
    stage.faults.map(async (fault, f) => {
      if (existing.some((r) => r.stageIndex === s && r.faultIndex === f)) return true;
      try {
        const { run } = await startRun({
          teamId: d.ref.teamId,
          clusterId: d.row.clusterId,
          actionId: fault.actionId,
          params: fault.params,
          planSeed: faultSeed(d.row.planSeed ?? d.ref.executionId, s, f),
          // The experiment was confirmed as a whole (its name) when it was started.
          confirm: fault.actionId,
          createdById: d.row.createdById ?? undefined,
          apiTokenId: d.row.apiTokenId ?? undefined,
          executionId: d.ref.executionId,
          stageIndex: s,
          faultIndex: f,
        });
        publishExecutionEvents(d.ref, [{ type: "fault", stageIndex: s, faultIndex: f, runId: run.id, status: "started", state: run.state, at: run.queuedAt.toISOString() }]);
        return true;
      } catch (err) {
        const name = fault.name ?? getAction(fault.actionId)?.title ?? fault.actionId;
        const message = err instanceof RunRefusedError ? err.message : err instanceof Error ? err.message : String(err);
        d.setStop({ kind: "error", reason: `${stepLabel(s, stage.name, f, name)} could not start: ${message}` });
        return false;
      }
    }),
  );
  return results.every(Boolean);
}

/**
 * Waits until every run of the stage is in a permanent state. A step with durationSeconds is
 * ended when it passes, by the abort path (its rollback removes the fault). A run that ends
 * FAILED or ROLLBACK_FAILED, or ROLLED_BACK without an abort asked (it failed, then undid its
 * changes), stops the execution.
 */
async function observeStage(d: Driver, s: number): Promise<void> {
  const s_ = experimentSettings();
  const stage = d.definition.stages[s]!;
  const ended = new Set<string>();
  const durationAsked = new Set<string>();
  const unsubscribes: Array<() => Promise<void>> = [];
  const subscribed = new Set<string>();
  try {
    for (;;) {
      if (d.lost || d.w.shutdown?.aborted) throw new LetGo();
      if (d.stop) return;
      const runs = (await d.runsOf()).filter((r) => r.stageIndex === s);
      const now = Date.now();
      let nextDue = now + s_.EXPERIMENT_POLL_MS;
      for (const r of runs) {
        if (!subscribed.has(r.id) && !isPermanentRun(r.state)) {
          subscribed.add(r.id);
          unsubscribes.push(await subscribeRunEvents(r.id, (e) => e.type === "state" && d.wake()).catch(() => async () => undefined));
        }
        if (isPermanentRun(r.state)) {
          if (!ended.has(r.id)) {
            ended.add(r.id);
            publishExecutionEvents(d.ref, [
              { type: "fault", stageIndex: s, faultIndex: r.faultIndex ?? 0, runId: r.id, status: "ended", state: r.state, summary: r.error, at: (r.finishedAt ?? new Date()).toISOString() },
            ]);
            // A run that failed and undid what it had changed ends ROLLED_BACK without anyone
            // asking it to stop (a drain held by a disruption budget): its fault failed too.
            const failedAndUndone = r.state === "ROLLED_BACK" && r.abortRequestedAt === null;
            if (r.state === "FAILED" || r.state === "ROLLBACK_FAILED" || failedAndUndone) {
              const fault = stage.faults[r.faultIndex ?? 0];
              const name = fault?.name ?? getAction(fault?.actionId ?? "")?.title ?? "fault";
              const what = r.state === "ROLLBACK_FAILED" ? "could not be rolled back" : "failed";
              d.setStop({ kind: "error", reason: `${stepLabel(s, stage.name, r.faultIndex ?? 0, name)} ${what}: ${r.error ?? "no reason recorded"}` });
            }
          }
          continue;
        }
        const seconds = stage.faults[r.faultIndex ?? 0]?.durationSeconds;
        if (seconds !== undefined && !durationAsked.has(r.id)) {
          const due = (r.startedAt ?? r.queuedAt).getTime() + seconds * 1000;
          if (due <= now) {
            durationAsked.add(r.id);
            await abortRun(d.ref.teamId, r.id, { name: `the end of its ${seconds} s duration`, userId: null, tokenId: null, via: "run" });
          } else nextDue = Math.min(nextDue, due);
        }
      }
      if (runs.length > 0 && runs.every((r) => isPermanentRun(r.state))) return;
      await d.sleep(nextDue - Date.now());
    }
  } finally {
    await Promise.all(unsubscribes.map((u) => u().catch(() => undefined)));
  }
}

/** After the last fault: the after-checks, retried every interval until each passed once or the window closed. */
async function recover(d: Driver, until: number): Promise<ExecutionState> {
  const pending = new Set(d.definition.checks.map((c, i) => (phasesOf(c.mode).includes("after") ? i : -1)).filter((i) => i >= 0));
  let last = new Map<number, string>();
  for (;;) {
    if (pending.size === 0) break;
    const round = await d.evaluatePhase("after", pending);
    if (d.lost || d.w.shutdown?.aborted) throw new LetGo();
    last = new Map();
    for (const r of round) {
      if (r.result.outcome === "pass") pending.delete(r.index);
      else last.set(r.index, r.result.observed);
    }
    if (pending.size === 0 || d.stop) break;
    const wait = Math.min(...[...pending].map((i) => d.definition.checks[i]!.intervalSeconds * 1000));
    if (Date.now() + wait > until) break;
    await d.sleep(wait);
    if (d.stopKind()) break;
  }
  // Faults are over by now: an abort, a halt or the maximum duration ends it as stopped there.
  if (d.stopKind()) return stopAndJudge(d);
  if (pending.size > 0) {
    const i = [...pending][0]!;
    const more = pending.size > 1 ? ` (and ${plural(pending.size - 1, "more check")})` : "";
    return d.finish("FAILED", `the after-check "${d.definition.checks[i]!.name}" did not pass within the recovery window of ${d.definition.recoveryWindowSeconds} s: ${last.get(i) ?? "no answer"}${more}`);
  }
  const tripped = await trippedDuringChecks(d);
  if (tripped) return d.finish("FAILED", tripped);
  return d.finish("PASSED", `every check held (${plural(d.definition.checks.length, "check")})`);
}

// A during-check that tripped without stopping the execution (stopOnTrip: false) fails it.
async function trippedDuringChecks(d: Driver): Promise<string | null> {
  const counts = await db.$queryRaw<{ checkIndex: number; n: number; f: number }[]>`
    SELECT "checkIndex", count(*)::int AS n, (count(*) FILTER (WHERE "outcome" <> 'pass'))::int AS f
    FROM "CheckSample" WHERE "executionId" = ${d.ref.executionId} AND "phase" = 'during' GROUP BY "checkIndex" ORDER BY "checkIndex"`;
  for (const c of counts) {
    const check = d.definition.checks[c.checkIndex];
    if (check && hasTripped(check.tolerance, c.n, c.f)) return `the during-check "${check.name}" tripped: ${describeTrip(check.tolerance, c.n, c.f, "see its samples")}`;
  }
  return null;
}

/**
 * The stop path: STOPPING, every active fault run of the execution aborted through lib/runs
 * (each rolls back what it changed), then the wait until every run is permanent, then the
 * verdict the stop calls for. A rollback that failed makes it ERROR, whatever stopped it.
 */
async function stopAndJudge(d: Driver): Promise<ExecutionState> {
  const s_ = experimentSettings();
  const stop: Stop = d.stop ?? { kind: "error", reason: "stopped for no recorded reason" };
  if (stop.kind !== "trip") {
    await db.experimentExecution.updateMany({
      where: { id: d.ref.executionId, workerId: d.w.workerId, attempt: d.attempt, state: { in: PENDING_EXECUTION_STATES.filter((x) => x !== "STOPPING") } },
      data: { state: "STOPPING" },
    });
    publishExecutionEvents(d.ref, [{ type: "state", state: "STOPPING", reason: null, at: new Date().toISOString() }]);
  }
  const by: AbortedBy =
    stop.kind === "abort"
      ? stop.by
      : stop.kind === "trip"
        ? { name: "the experiment's stop condition", userId: null, tokenId: null, via: "run" }
        : stop.kind === "max-duration"
          ? { name: `the experiment's maximum duration (${d.definition.maxDurationSeconds} s)`, userId: null, tokenId: null, via: "run" }
          : { name: "the experiment (it stopped with an error)", userId: null, tokenId: null, via: "run" };
  const asked = new Set<string>();
  const unsubscribes: Array<() => Promise<void>> = [];
  try {
    for (;;) {
      if (d.lost || d.w.shutdown?.aborted) throw new LetGo();
      const runs = await d.runsOf();
      const active = runs.filter((r) => (ACTIVE_RUN_STATES as readonly RunState[]).includes(r.state));
      for (const r of active) {
        if (asked.has(r.id)) continue;
        asked.add(r.id);
        unsubscribes.push(await subscribeRunEvents(r.id, (e) => e.type === "state" && d.wake()).catch(() => async () => undefined));
        if (!r.abortRequestedAt) await abortRun(d.ref.teamId, r.id, by);
      }
      if (active.length === 0) break;
      await d.sleep(s_.EXPERIMENT_POLL_MS);
    }
  } finally {
    await Promise.all(unsubscribes.map((u) => u().catch(() => undefined)));
  }
  const runs = await d.runsOf();
  for (const r of runs) {
    publishExecutionEvents(d.ref, [
      { type: "fault", stageIndex: r.stageIndex ?? 0, faultIndex: r.faultIndex ?? 0, runId: r.id, status: "ended", state: r.state, summary: r.error, at: (r.finishedAt ?? new Date()).toISOString() },
    ]);
  }
  const row = await db.experimentExecution.findUnique({ where: { id: d.ref.executionId }, select: { trippedBy: true } });
  const tripped = row?.trippedBy as { name: string; at: string; reason?: string } | null;
  if (tripped) tripReaction.observe(Math.max(0, Date.now() - new Date(tripped.at).getTime()) / 1000);
  await db.experimentExecution.updateMany({ where: { id: d.ref.executionId, faultsEndedAt: null, workerId: d.w.workerId, attempt: d.attempt }, data: { faultsEndedAt: new Date() } });

  const unrolled = runs.find((r) => r.state === "ROLLBACK_FAILED");
  const rollbackNote = unrolled ? `; the rollback of a fault failed (run ${unrolled.id}: ${unrolled.error ?? "no reason"}), see that run` : "";
  if (tripped) {
    const reason = `stopped by ${tripped.name}: ${tripped.reason ?? "the stop condition tripped"}${rollbackNote}`;
    return d.finish(unrolled ? "ERROR" : "FAILED", reason);
  }
  switch (stop.kind) {
    case "abort": {
      const verdict = stop.by.via === "halt" ? "STOPPED" : "ABORTED";
      const what = stop.by.via === "halt" ? `halted by ${stop.by.name}` : `aborted by ${stop.by.name}`;
      return d.finish(unrolled ? "ERROR" : verdict, `${what}${rollbackNote}`);
    }
    case "max-duration":
      return d.finish(unrolled ? "ERROR" : "STOPPED", `stopped at its maximum duration of ${d.definition.maxDurationSeconds} s${rollbackNote}`);
    case "error":
      return d.finish("ERROR", `${stop.reason}${rollbackNote}`);
    case "trip":
      // trippedBy was cleared under it: judged as a stop without a recorded reason.
      return d.finish("ERROR", `stopped by a stop condition whose record is missing${rollbackNote}`);
  }
}
