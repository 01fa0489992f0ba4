import { db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { subscribeTeamRuns, type TeamExecutionEvent, type TeamRunEvent } from "./run-events";
import { keepStreamAlive } from "./stream-keep-alive";

const log = createLogger("run-events");

/** What the team stream sends: a run changed state, or "something changed" (found by reading PostgreSQL). */
export type TeamStreamEvent = ({ type: "run" } & TeamRunEvent) | ({ type: "execution" } & TeamExecutionEvent) | { type: "changed"; at: string };

export interface TeamRunStreamOptions {
  /** The time the caller's view was drawn: a change after it (and before the subscription) is told at once. */
  since?: Date;
  /** Heartbeat comment; PostgreSQL is read then too, for changes that were not published. */
  heartbeatMs?: number;
  signal?: AbortSignal;
  /** Whether the caller may still read the team's runs; asked every accessCheckMs, the stream closes at the first no. */
  stillAllowed?: () => Promise<boolean>;
  accessCheckMs?: number;
}

const encoder = new TextEncoder();
const frame = (e: TeamStreamEvent) => encoder.encode(`data: ${JSON.stringify(e)}\n\n`);

// A run of the team (not a dry run) or an experiment execution queued, started or finished after a time.
async function changedSince(teamId: string, since: Date): Promise<boolean> {
  const row = await db.run.findFirst({
    where: { teamId, dryRun: false, OR: [{ queuedAt: { gt: since } }, { startedAt: { gt: since } }, { finishedAt: { gt: since } }, { abortRequestedAt: { gt: since } }] },
    select: { id: true },
  });
  if (row) return true;
  const execution = await db.experimentExecution.findFirst({
    where: { teamId, OR: [{ queuedAt: { gt: since } }, { startedAt: { gt: since } }, { finishedAt: { gt: since } }, { abortRequestedAt: { gt: since } }] },
    select: { id: true },
  });
  return execution !== null;
}

/**
 * The Server-Sent Events stream of a team's run state changes, for lists and the overview to
 * follow without a reload: each change of a run's state as it is published, and a "changed"
 * event when PostgreSQL shows a change since the caller's view was drawn (at the start, then
 * at each heartbeat: the sweeps of crashed runs change states without publishing).
 */
export function teamRunStream(teamId: string, opts: TeamRunStreamOptions = {}): ReadableStream<Uint8Array> {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const accessCheckMs = opts.accessCheckMs ?? 3_000;
  let closed = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  const timers: NodeJS.Timeout[] = [];

  const cleanup = () => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearInterval(t);
    opts.signal?.removeEventListener("abort", cleanup);
    unsubscribe?.().catch((err: Error) => log.debug({ teamId, err: err.message }, "unsubscribe failed"));
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const finish = () => {
        if (closed) return;
        cleanup();
        controller.close();
      };
      const send = (e: TeamStreamEvent) => {
        if (!closed) controller.enqueue(frame(e));
      };
      if (opts.signal?.aborted) return finish();
      opts.signal?.addEventListener("abort", cleanup, { once: true });
      try {
        unsubscribe = await subscribeTeamRuns(
          teamId,
          (e) => send({ type: "run", ...e }),
          (e) => send({ type: "execution", ...e }),
        );
      } catch (err) {
        log.warn({ teamId, err: err instanceof Error ? err.message : String(err) }, "live run changes unavailable");
      }
      if (closed) return void unsubscribe?.().catch(() => undefined);
      // A comment first, so the client knows the stream is open.
      controller.enqueue(encoder.encode(": open\n\n"));

      let checkedAt = opts.since ?? new Date();
      const check = async () => {
        const now = new Date();
        if (await changedSince(teamId, checkedAt)) send({ type: "changed", at: now.toISOString() });
        checkedAt = now;
      };
      if (opts.since) await check().catch((err: Error) => log.debug({ teamId, err: err.message }, "change check failed"));

      timers.push(
        ...keepStreamAlive({
          controller,
          closed: () => closed,
          finish,
          heartbeatMs,
          accessCheckMs,
          stillAllowed: opts.stillAllowed,
          subject: { teamId },
          onHeartbeat: () => void check().catch((err: Error) => log.debug({ teamId, err: err.message }, "change check failed")),
        }),
      );
    },
    cancel() {
      cleanup();
    },
  });
}
