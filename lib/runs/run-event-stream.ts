import { db, type RunState } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { subscribeRunEvents, type RunEvent } from "./run-events";
import { isPermanent } from "./run-states";

const log = createLogger("run-events");

/** What the stream sends: the live events, stored log lines carrying their id. */
export type StreamEvent = RunEvent | (Extract<RunEvent, { type: "log" }> & { id: string });

export interface RunEventStreamOptions {
  /** Replay only log lines after this id (the page already shows the earlier ones). */
  afterLogId?: bigint;
  /** A comment line this often keeps proxies from closing an idle stream; the state is re-read then too. */
  heartbeatMs?: number;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** Most stored log lines to replay. */
  logLimit?: number;
}

const encoder = new TextEncoder();
const frame = (e: StreamEvent) => encoder.encode(`data: ${JSON.stringify(e)}\n\n`);
const logKey = (e: { at: string; message: string }) => `${e.at}\u0000${e.message}`;

/**
 * The Server-Sent Events stream of one run (already known to belong to the caller's team):
 * subscribes to the live events first, replays what PostgreSQL holds (steps, log lines,
 * progress, state), then follows live events without repeating a replayed line. It closes
 * once the run is in a permanent state; every heartbeat re-reads the state, so a live event
 * lost with Redis cannot leave the stream open for ever. Unsubscribes when the client leaves.
 */
export function runEventStream(teamId: string, runId: string, opts: RunEventStreamOptions = {}): ReadableStream<Uint8Array> {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  let closed = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastState: RunState | undefined;

  const cleanup = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    opts.signal?.removeEventListener("abort", cleanup);
    unsubscribe?.().catch((err: Error) => log.debug({ runId, err: err.message }, "unsubscribe failed"));
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const finish = () => {
        if (closed) return;
        cleanup();
        controller.close();
      };
      const send = (e: StreamEvent) => {
        if (closed) return;
        controller.enqueue(frame(e));
        if (e.type === "state") lastState = e.state as RunState;
        if (e.type === "state" && isPermanent(e.state as RunState)) finish();
      };
      if (opts.signal?.aborted) return finish();
      opts.signal?.addEventListener("abort", cleanup, { once: true });

      // Live events that arrive while the replay is read wait here.
      let buffer: RunEvent[] | null = [];
      const replayed = new Set<string>();
      try {
        unsubscribe = await subscribeRunEvents(runId, (e) => {
          if (buffer) buffer.push(e);
          else if (!(e.type === "log" && replayed.has(logKey(e)))) send(e);
        });
      } catch (err) {
        // Without Redis the stream still replays and polls the state at each heartbeat.
        log.warn({ runId, err: err instanceof Error ? err.message : String(err) }, "live events unavailable");
      }
      if (closed) return void unsubscribe?.().catch(() => undefined);

      const run = await db.run.findFirst({
        where: { id: runId, teamId },
        select: { state: true, error: true, progress: true, finishedAt: true, queuedAt: true, startedAt: true },
      });
      if (!run) return finish();
      const [steps, logs] = await Promise.all([
        db.runStep.findMany({ where: { runId, teamId }, orderBy: { index: "asc" } }),
        db.runLog.findMany({
          where: { runId, teamId, ...(opts.afterLogId !== undefined ? { id: { gt: opts.afterLogId } } : {}) },
          orderBy: { id: "asc" },
          take: opts.logLimit ?? 2000,
        }),
      ]);
      for (const s of steps) {
        const at = (s.finishedAt ?? s.startedAt ?? run.queuedAt).toISOString();
        send({ type: "step", index: s.index, name: s.name, state: s.state, error: s.error, at });
      }
      for (const l of logs) {
        const e = { type: "log" as const, id: l.id.toString(), level: l.level, message: l.message, at: l.at.toISOString() };
        replayed.add(logKey(e));
        send(e);
      }
      send({ type: "progress", progress: run.progress, at: new Date().toISOString() });
      send({ type: "state", state: run.state, error: run.error, at: (run.finishedAt ?? run.startedAt ?? run.queuedAt).toISOString() });

      const waiting = buffer;
      buffer = null;
      for (const e of waiting) if (!(e.type === "log" && replayed.has(logKey(e)))) send(e);
      if (closed) return;

      timer = setInterval(() => {
        if (closed) return;
        controller.enqueue(encoder.encode(": heartbeat\n\n"));
        db.run
          .findFirst({ where: { id: runId, teamId }, select: { state: true, error: true, finishedAt: true } })
          .then((now) => {
            if (!now) return finish();
            if (now.state !== lastState) send({ type: "state", state: now.state, error: now.error, at: (now.finishedAt ?? new Date()).toISOString() });
          })
          .catch((err: Error) => log.debug({ runId, err: err.message }, "state poll failed"));
      }, heartbeatMs);
    },
    cancel() {
      cleanup();
    },
  });
}
