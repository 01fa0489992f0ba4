import { db, type RunState } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { journalAfter, readRunJournal, subscribeRunEvents, type JournalEntry, type JournalId, type RunEvent } from "./run-events";
import { isPermanent } from "./run-states";
import { keepStreamAlive } from "./stream-keep-alive";

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
  /**
   * Whether the caller may still read the run (a member removed, a token revoked since the
   * stream opened: no). Asked every accessCheckMs; the stream closes at the first no.
   */
  stillAllowed?: () => Promise<boolean>;
  accessCheckMs?: number;
}

const encoder = new TextEncoder();
const frame = (e: StreamEvent) => encoder.encode(`data: ${JSON.stringify(e)}\n\n`);
const logKey = (e: { at: string; message: string }) => `${e.at}\u0000${e.message}`;

// How far along a step or a run is: a replayed event never moves one back (a journal entry
// published a moment after PostgreSQL was read may be older than what was read).
const STEP_RANK: Record<string, number> = { PENDING: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, SKIPPED: 2, ROLLED_BACK: 3, ROLLBACK_FAILED: 3 };
const stateRank = (s: string) => (isPermanent(s as RunState) ? 3 : s === "ROLLING_BACK" ? 2 : s === "RUNNING" ? 1 : 0);

type StepEvent = Extract<RunEvent, { type: "step" }>;
type StateEvent = Extract<RunEvent, { type: "state" }>;

/**
 * The Server-Sent Events stream of one run (already known to belong to the caller's team).
 * A worker publishes log lines and quick steps at once but stores them with its next write,
 * so PostgreSQL alone can miss the last seconds; the run's journal in Redis holds every
 * published event with an id. The stream subscribes first (buffering), reads PostgreSQL and
 * the journal and sends their union (steps, log lines, progress, state; nothing twice,
 * nothing moved back), then the buffered and live events with ids after the journal's last.
 * It closes once the run is in a permanent state, or when the caller lost access; every
 * heartbeat re-reads the state, so a live event lost with Redis cannot leave it open for ever.
 */
export function runEventStream(teamId: string, runId: string, opts: RunEventStreamOptions = {}): ReadableStream<Uint8Array> {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const accessCheckMs = opts.accessCheckMs ?? 3_000;
  let closed = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  const timers: NodeJS.Timeout[] = [];
  let lastState: RunState | undefined;

  const cleanup = () => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearInterval(t);
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
      let buffer: JournalEntry[] | null = [];
      let lastId: JournalId = "0-0";
      const replayed = new Set<string>();
      const deliver = ({ id, event }: JournalEntry) => {
        if (!journalAfter(id, lastId)) return;
        lastId = id;
        if (event.type === "log") {
          if (replayed.has(logKey(event))) return;
          replayed.add(logKey(event));
        }
        send(event);
      };
      try {
        unsubscribe = await subscribeRunEvents(runId, (event, id) => (buffer ? buffer.push({ id, event }) : deliver({ id, event })));
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
      // Log lines up to afterLogId are the caller's already; so are journal lines from before it.
      const cut = opts.afterLogId !== undefined ? await db.runLog.findFirst({ where: { runId, teamId, id: opts.afterLogId }, select: { at: true } }) : null;
      const [steps, logs, journal] = await Promise.all([
        db.runStep.findMany({ where: { runId, teamId }, orderBy: { index: "asc" } }),
        db.runLog.findMany({
          where: { runId, teamId, ...(cut ? { at: { gte: cut.at } } : {}) },
          orderBy: { id: "asc" },
          take: opts.logLimit ?? 2000,
        }),
        readRunJournal(runId).catch((err: Error) => {
          log.warn({ runId, err: err.message }, "run journal unavailable");
          return [] as JournalEntry[];
        }),
      ]);

      const stepsByIndex = new Map<number, StepEvent>();
      for (const s of steps) {
        const at = (s.finishedAt ?? s.startedAt ?? run.queuedAt).toISOString();
        stepsByIndex.set(s.index, { type: "step", index: s.index, name: s.name, state: s.state, error: s.error, at, undoDueAt: s.undoDueAt?.toISOString() ?? null, undone: s.undoneAt !== null });
      }
      let progress: number = run.progress;
      let state: StateEvent = { type: "state", state: run.state, error: run.error, at: (run.finishedAt ?? run.startedAt ?? run.queuedAt).toISOString() };
      const cutAt = cut?.at.toISOString();
      for (const l of logs) if (opts.afterLogId === undefined || l.id <= opts.afterLogId) replayed.add(logKey({ at: l.at.toISOString(), message: l.message }));
      const journalLogs: StreamEvent[] = [];
      for (const { event } of journal) {
        if (event.type === "step") {
          const known = stepsByIndex.get(event.index);
          const rank = STEP_RANK[event.state] ?? 0;
          const knownRank = known ? (STEP_RANK[known.state] ?? 0) : -1;
          if (rank > knownRank || (rank === knownRank && (event.undone || !known?.undone))) stepsByIndex.set(event.index, { ...event, undoDueAt: event.undoDueAt ?? known?.undoDueAt ?? null });
        } else if (event.type === "progress") progress = event.progress;
        else if (event.type === "state") {
          if (stateRank(event.state) >= stateRank(state.state) && !isPermanent(state.state as RunState)) state = event;
        } else if (!(cutAt && event.at < cutAt)) journalLogs.push(event);
      }
      lastId = journal.at(-1)?.id ?? lastId;

      for (const s of [...stepsByIndex.values()].sort((a, b) => a.index - b.index)) send(s);
      const lines: StreamEvent[] = logs
        .filter((l) => opts.afterLogId === undefined || l.id > opts.afterLogId)
        .map((l) => ({ type: "log" as const, id: l.id.toString(), level: l.level, message: l.message, at: l.at.toISOString() }));
      for (const l of [...lines, ...journalLogs]) {
        if (l.type !== "log" || replayed.has(logKey(l))) continue;
        replayed.add(logKey(l));
        send(l);
      }
      send({ type: "progress", progress, at: new Date().toISOString() });
      send(state);

      const waiting = buffer;
      buffer = null;
      for (const entry of waiting) deliver(entry);
      if (closed) return;

      timers.push(
        ...keepStreamAlive({
          controller,
          closed: () => closed,
          finish,
          heartbeatMs,
          accessCheckMs,
          stillAllowed: opts.stillAllowed,
          subject: { runId },
          onHeartbeat: () =>
            db.run
              .findFirst({ where: { id: runId, teamId }, select: { state: true, error: true, finishedAt: true } })
              .then((now) => {
                if (!now) return finish();
                if (now.state !== lastState) send({ type: "state", state: now.state, error: now.error, at: (now.finishedAt ?? new Date()).toISOString() });
              })
              .catch((err: Error) => log.debug({ runId, err: err.message }, "state poll failed")),
        }),
      );
    },
    cancel() {
      cleanup();
    },
  });
}
