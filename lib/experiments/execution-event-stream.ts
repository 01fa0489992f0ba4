import { db, type ExecutionState } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { journalAfter, type JournalId } from "@/lib/runs/run-events";
import { keepStreamAlive } from "@/lib/runs/stream-keep-alive";
import { readExecutionJournal, subscribeExecutionEvents, type ExecutionEvent, type ExecutionJournalEntry } from "./execution-events";
import { isVerdict } from "./states";

const log = createLogger("experiments");

export interface ExecutionEventStreamOptions {
  /** A journal id the caller has seen (the last event's `id:`, or Last-Event-ID): only later events are sent. */
  since?: JournalId;
  heartbeatMs?: number;
  signal?: AbortSignal;
  /** Whether the caller may still read the execution; asked every accessCheckMs (default 3 s), the stream closes at the first no. */
  stillAllowed?: () => Promise<boolean>;
  accessCheckMs?: number;
}

const encoder = new TextEncoder();
const frame = (e: ExecutionEvent, id?: JournalId) => encoder.encode(`${id ? `id: ${id}\n` : ""}data: ${JSON.stringify(e)}\n\n`);

/** A valid journal id ("<ms>-<seq>"), or undefined. */
export function parseJournalId(text: string | null | undefined): JournalId | undefined {
  return text && /^\d{1,15}-\d{1,9}$/.test(text) ? text : undefined;
}

/**
 * The Server-Sent Events stream of one execution (already known to belong to the caller's
 * team): the execution's journal after `since` (each event with its journal id as the SSE id),
 * then its state as PostgreSQL has it, then live events. It closes once the execution has its
 * verdict or the caller lost access; each heartbeat re-reads the state, so a live event lost
 * with Redis cannot leave it open for ever. Without the journal (expired, Redis down) the page
 * reads the execution's detail and follows the state.
 */
export function executionEventStream(teamId: string, executionId: string, opts: ExecutionEventStreamOptions = {}): ReadableStream<Uint8Array> {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const accessCheckMs = opts.accessCheckMs ?? 3_000;
  let closed = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  let timers: NodeJS.Timeout[] = [];
  let lastState: string | undefined;

  const cleanup = () => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearInterval(t);
    opts.signal?.removeEventListener("abort", cleanup);
    unsubscribe?.().catch((err: Error) => log.debug({ executionId, err: err.message }, "unsubscribe failed"));
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const finish = () => {
        if (closed) return;
        cleanup();
        controller.close();
      };
      const send = (e: ExecutionEvent, id?: JournalId) => {
        if (closed) return;
        controller.enqueue(frame(e, id));
        if (e.type === "state") {
          lastState = e.state;
          if (isVerdict(e.state as ExecutionState)) finish();
        }
      };
      if (opts.signal?.aborted) return finish();
      opts.signal?.addEventListener("abort", cleanup, { once: true });

      let buffer: ExecutionJournalEntry[] | null = [];
      let lastId: JournalId = opts.since ?? "0-0";
      const deliver = ({ id, event }: ExecutionJournalEntry) => {
        if (!journalAfter(id, lastId)) return;
        lastId = id;
        send(event, id);
      };
      try {
        unsubscribe = await subscribeExecutionEvents(executionId, (event, id) => (buffer ? buffer.push({ id, event }) : deliver({ id, event })));
      } catch (err) {
        log.warn({ executionId, err: err instanceof Error ? err.message : String(err) }, "live events unavailable");
      }
      if (closed) return void unsubscribe?.().catch(() => undefined);

      const readState = () => db.experimentExecution.findFirst({ where: { id: executionId, teamId }, select: { state: true, reason: true, score: true, finishedAt: true, startedAt: true, queuedAt: true } });
      const [row, journal] = await Promise.all([
        readState(),
        readExecutionJournal(executionId, opts.since).catch((err: Error) => {
          log.warn({ executionId, err: err.message }, "execution journal unavailable");
          return [] as ExecutionJournalEntry[];
        }),
      ]);
      if (!row) return finish();
      // The journal's state events are replayed as they came; the verdict closes the stream, so it goes last.
      for (const entry of journal) if (!(entry.event.type === "state" && isVerdict(entry.event.state as ExecutionState))) deliver(entry);
      lastId = journal.at(-1)?.id ?? lastId;
      send({ type: "state", state: row.state, reason: row.reason, score: row.score, at: (row.finishedAt ?? row.startedAt ?? row.queuedAt).toISOString() });

      const waiting = buffer;
      buffer = null;
      for (const entry of waiting) deliver(entry);
      if (closed) return;

      timers = keepStreamAlive({
        controller,
        closed: () => closed,
        finish,
        heartbeatMs,
        accessCheckMs,
        stillAllowed: opts.stillAllowed,
        subject: { executionId },
        onHeartbeat: () =>
          void readState()
            .then((now) => {
              if (!now) return finish();
              if (now.state !== lastState) send({ type: "state", state: now.state, reason: now.reason, score: now.score, at: (now.finishedAt ?? new Date()).toISOString() });
            })
            .catch((err: Error) => log.debug({ executionId, err: err.message }, "state poll failed")),
      });
    },
    cancel() {
      cleanup();
    },
  });
}
