import type { JsonObject, LogLevel } from "@/lib/actions";
import { db, Prisma, type RunState, type StepState } from "@/lib/db";
import { publishRunEvents, type RunEvent } from "./run-events";
import { PENDING_STATES } from "./run-states";

/** The worker no longer holds the run (another took it over): stop without touching it. */
export class LostOwnershipError extends Error {
  constructor(runId: string) {
    super(`run ${runId} is now held by another worker`);
    this.name = "LostOwnershipError";
  }
}

export interface Holder {
  runId: string;
  teamId: string;
  workerId: string;
  attempt: number;
}

/** A finished step with nothing to undo, stored with the next write of the run (see flush). */
export interface FinishedStep {
  id: string;
  index: number;
  name: string;
  state: Extract<StepState, "SUCCEEDED" | "FAILED">;
  target?: Prisma.InputJsonValue;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  error?: string;
  startedAt: Date;
  finishedAt: Date;
}

interface LogLine {
  at: Date;
  level: LogLevel;
  message: string;
  data?: JsonObject;
}

/** Columns a state change may set besides the state, the error and the heartbeat. */
export interface StateExtra {
  progress?: number;
  result?: Prisma.InputJsonValue;
}

const now = () => new Date();

/**
 * Writes a run's state, progress, log and quick steps as the worker that holds it. Log lines
 * and finished steps without an undo are published at once and stored in one statement with
 * the next state change, heartbeat or flush; every write of the run row names the holder, so
 * a worker that lost the run cannot overwrite its new holder. (A step with an undo is written
 * by the stepper before it acts, never here.)
 */
export class RunRecorder {
  private logs: LogLine[] = [];
  private steps: FinishedStep[] = [];
  private progressValue: number | undefined;

  constructor(readonly holder: Holder) {}

  log(message: string, data?: JsonObject, level: LogLevel = "info"): void {
    const at = now();
    this.logs.push({ at, level, message, data });
    publishRunEvents(this.holder, [{ type: "log", level, message, at: at.toISOString() }]);
  }

  progress(percent: number): void {
    const p = Math.max(0, Math.min(100, Math.round(percent)));
    if (p === this.progressValue) return;
    this.progressValue = p;
    publishRunEvents(this.holder, [{ type: "progress", progress: p, at: now().toISOString() }]);
  }

  /** Keeps a finished step for the next write (its event is the stepper's to publish). */
  finishedStep(step: FinishedStep): void {
    this.steps.push(step);
  }

  // The buffered log lines and steps as JSON arrays for jsonb_populate_recordset (timestamps
  // as ISO strings in UTC, which is how the timestamp columns hold them).
  private takeBuffers(): { logs: string; steps: string } {
    const { runId, teamId } = this.holder;
    const logs = JSON.stringify(this.logs.map((l) => ({ runId, teamId, ...l })));
    const steps = JSON.stringify(this.steps.map((s) => ({ runId, teamId, ...s })));
    this.logs = [];
    this.steps = [];
    return { logs, steps };
  }

  /** Stores buffered log lines and steps. */
  async flush(): Promise<void> {
    if (this.logs.length === 0 && this.steps.length === 0) return;
    const { logs, steps } = this.takeBuffers();
    await db.$executeRaw`
      WITH l AS (${insertLogs(logs)}), s AS (${insertSteps(steps)})
      SELECT 1`;
  }

  /** Heartbeat: proves the worker still holds the run; returns whether an abort was requested. */
  async heartbeat(): Promise<{ abortRequested: boolean }> {
    const rows = await db.run.updateManyAndReturn({
      where: { id: this.holder.runId, workerId: this.holder.workerId, attempt: this.holder.attempt },
      data: { heartbeatAt: now(), ...(this.progressValue !== undefined ? { progress: this.progressValue } : {}) },
      select: { abortRequestedAt: true },
    });
    if (rows.length === 0) throw new LostOwnershipError(this.holder.runId);
    await this.flush();
    return { abortRequested: rows[0]!.abortRequestedAt !== null };
  }

  /**
   * Moves the run to a state (with the other columns given; error undefined leaves it as it
   * is); permanent states end the hold. Buffered log lines and steps are stored in the same
   * statement.
   */
  async setState(state: RunState, extra: StateExtra = {}, error?: string | null): Promise<void> {
    const { runId, workerId, attempt } = this.holder;
    const at = now();
    const permanent = !PENDING_STATES.includes(state);
    const progress = extra.progress ?? this.progressValue ?? null;
    const result = extra.result === undefined ? null : JSON.stringify(extra.result);
    const { logs, steps } = this.takeBuffers();
    // The audit event of the change is written by the same statement, only when the update
    // applied: its count is the number of events written (1, or 0 when the hold was lost).
    // A heartbeat-style RUNNING write (the result of execute) changes no state: no event.
    const audit = JSON.stringify({ state, attempt, workerId, ...(error ? { error } : {}) });
    const applied = await db.$queryRaw<{ ok: number }[]>`
      WITH l AS (${insertLogs(logs)}), s AS (${insertSteps(steps)}),
      prev AS (SELECT "state" FROM "Run" WHERE "id" = ${runId}),
      u AS (
        UPDATE "Run" SET
          "state" = ${state}::"RunState",
          "heartbeatAt" = ${at}::timestamp(3),
          "progress" = COALESCE(${progress}::integer, "progress"),
          "error" = CASE WHEN ${error !== undefined}::boolean THEN ${error ?? null}::text ELSE "error" END,
          "finishedAt" = CASE WHEN ${permanent}::boolean THEN ${at}::timestamp(3) ELSE "finishedAt" END,
          "result" = COALESCE(${result}::jsonb, "result")
        WHERE "id" = ${runId} AND "workerId" = ${workerId} AND "attempt" = ${attempt}
        RETURNING "teamId"
      ),
      a AS (
        INSERT INTO "AuditEvent" ("teamId", "action", "targetType", "targetId", "data", "at")
        SELECT u."teamId", 'run.state_changed', 'run', ${runId}, ${audit}::jsonb || jsonb_build_object('from', prev."state"), ${at}::timestamp(3)
        FROM u, prev WHERE prev."state" <> ${state}::"RunState"
      )
      SELECT 1 AS ok FROM u`;
    const count = applied.length;
    if (count === 0) throw new LostOwnershipError(runId);
    const event: RunEvent = { type: "state", state, error: error ?? null, at: at.toISOString() };
    publishRunEvents(this.holder, [event]);
  }
}

// Data-modifying parts of one statement: the rows of a JSON array (an empty one inserts nothing).
const insertLogs = (json: string) => Prisma.sql`
  INSERT INTO "RunLog" ("runId", "teamId", "at", "level", "message", "data")
  SELECT "runId", "teamId", "at", "level", "message", "data" FROM jsonb_populate_recordset(NULL::"RunLog", ${json}::jsonb)`;

const insertSteps = (json: string) => Prisma.sql`
  INSERT INTO "RunStep" ("id", "runId", "teamId", "index", "name", "state", "target", "before", "after", "error", "startedAt", "finishedAt")
  SELECT "id", "runId", "teamId", "index", "name", "state", "target", "before", "after", "error", "startedAt", "finishedAt"
  FROM jsonb_populate_recordset(NULL::"RunStep", ${json}::jsonb)`;
