import type { JsonObject, LogLevel } from "@/lib/actions";
import { db, type Prisma, type RunState } from "@/lib/db";
import { publishRunEvents, type RunEvent } from "./run-events";

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

const now = () => new Date();

/**
 * Writes a run's state, progress and log as the worker that holds it. Log lines are published
 * at once and stored in batches (at each state change, step and heartbeat); every write of the
 * run row names the holder, so a worker that lost the run cannot overwrite its new holder.
 */
export class RunRecorder {
  private logs: Prisma.RunLogCreateManyInput[] = [];
  private progressValue: number | undefined;

  constructor(readonly holder: Holder) {}

  private get where() {
    return { id: this.holder.runId, workerId: this.holder.workerId, attempt: this.holder.attempt };
  }

  log(message: string, data?: JsonObject, level: LogLevel = "info"): void {
    const at = now();
    this.logs.push({ runId: this.holder.runId, teamId: this.holder.teamId, at, level, message, data: data as Prisma.InputJsonValue });
    publishRunEvents(this.holder.runId, [{ type: "log", level, message, at: at.toISOString() }]);
  }

  progress(percent: number): void {
    const p = Math.max(0, Math.min(100, Math.round(percent)));
    if (p === this.progressValue) return;
    this.progressValue = p;
    publishRunEvents(this.holder.runId, [{ type: "progress", progress: p, at: now().toISOString() }]);
  }

  /** Stores buffered log lines. */
  async flush(): Promise<void> {
    if (this.logs.length === 0) return;
    const batch = this.logs;
    this.logs = [];
    await db.runLog.createMany({ data: batch });
  }

  /** Heartbeat: proves the worker still holds the run; returns whether an abort was requested. */
  async heartbeat(): Promise<{ abortRequested: boolean }> {
    const rows = await db.run.updateManyAndReturn({
      where: this.where,
      data: { heartbeatAt: now(), ...(this.progressValue !== undefined ? { progress: this.progressValue } : {}) },
      select: { abortRequestedAt: true },
    });
    if (rows.length === 0) throw new LostOwnershipError(this.holder.runId);
    await this.flush();
    return { abortRequested: rows[0]!.abortRequestedAt !== null };
  }

  /** Moves the run to a state (with the other columns given); permanent states end the hold. */
  async setState(state: RunState, extra: Prisma.RunUpdateManyMutationInput = {}, error?: string | null): Promise<void> {
    await this.flush();
    const permanent = !["QUEUED", "RUNNING", "ROLLING_BACK"].includes(state);
    const data: Prisma.RunUpdateManyMutationInput = {
      state,
      heartbeatAt: now(),
      ...(this.progressValue !== undefined ? { progress: this.progressValue } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(permanent ? { finishedAt: now() } : {}),
      ...extra,
    };
    const { count } = await db.run.updateMany({ where: this.where, data });
    if (count === 0) throw new LostOwnershipError(this.holder.runId);
    const event: RunEvent = { type: "state", state, error: error ?? null, at: now().toISOString() };
    publishRunEvents(this.holder.runId, [event]);
  }
}
