import { z } from "zod";
import type { Redis } from "ioredis";
import { env } from "@/lib/env";
import { createSubscriberConnection, producerConnection } from "@/lib/queue";
import { createLogger } from "@/lib/log";

const log = createLogger("run-events");

/** One live event of a run, as kept in its journal, published on `run:<id>` and streamed over SSE. */
export const runEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("state"), state: z.string(), error: z.string().nullable().optional(), at: z.string() }),
  z.object({ type: z.literal("log"), level: z.string(), message: z.string(), at: z.string() }),
  z.object({
    type: z.literal("step"),
    index: z.number(),
    name: z.string(),
    state: z.string(),
    error: z.string().nullable().optional(),
    at: z.string(),
    /** When a timed undo (uncordon, restore replicas) is due, for the run page's countdown. */
    undoDueAt: z.string().nullable().optional(),
    /** The step's undo was carried out. */
    undone: z.boolean().optional(),
  }),
  z.object({ type: z.literal("progress"), progress: z.number(), at: z.string() }),
]);
export type RunEvent = z.infer<typeof runEventSchema>;

/** A change of a run's state, as published to its team (lists and the overview follow these). */
export const teamRunEventSchema = z.object({ runId: z.string(), state: z.string(), at: z.string() });
export type TeamRunEvent = z.infer<typeof teamRunEventSchema>;

/** A change of an experiment execution's state, as published to its team. */
export const teamExecutionEventSchema = z.object({ executionId: z.string(), state: z.string(), at: z.string() });
export type TeamExecutionEvent = z.infer<typeof teamExecutionEventSchema>;

/** The run (and its team) an event belongs to. */
export interface RunRef {
  runId: string;
  teamId: string;
}

export const runChannel = (runId: string) => `run:${runId}`;
export const teamRunsChannel = (teamId: string) => `team-runs:${teamId}`;
/** The run's journal: a Redis Stream of every event published, with ids in publication order. */
export const runJournalKey = (runId: string) => `${env().PYSTOL_QUEUE_PREFIX}:run-journal:${runId}`;

// Why a journal: a worker publishes a log line or a quick step at once but stores it in
// PostgreSQL with the run's next write (a heartbeat or state change, seconds later). A stream
// that replays from PostgreSQL and then subscribes would lose what falls between; the journal
// holds every published event with an id, so a reader replays it and then takes live events
// with greater ids only. It lives while the run sends events and an hour after the last one;
// by then PostgreSQL holds everything.
const JOURNAL_MAX_EVENTS = 10_000;
const JOURNAL_TTL_MS = 60 * 60 * 1000;

// Appends to the journal, publishes with the journal id (as "<id> <json>") and, for a change
// of state, tells the team; one atomic script, so the id order is the publication order.
const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', KEYS[2], id .. ' ' .. ARGV[1])
if ARGV[4] ~= '' then redis.call('PUBLISH', KEYS[3], ARGV[4]) end
return id`;

type WithPublish = Redis & {
  pystolPublishRunEvent(journal: string, channel: string, teamChannel: string, event: string, max: number, ttl: number, teamMessage: string): Promise<string>;
};
const scripted = new WeakSet<Redis>();
function withScript(redis: Redis): WithPublish {
  if (!scripted.has(redis)) {
    redis.defineCommand("pystolPublishRunEvent", { numberOfKeys: 3, lua: PUBLISH_SCRIPT });
    scripted.add(redis);
  }
  return redis as WithPublish;
}

/**
 * One event for a journal: appended to the Redis Stream `journal`, published on `channel` as
 * "<journal id> <event>", and, when teamMessage is set, published on `teamChannel`. Runs and
 * experiment executions both publish this way.
 */
export interface JournaledEvent {
  journal: string;
  channel: string;
  teamChannel: string;
  event: string;
  teamMessage: string;
}

// Events published in one turn of the event loop (all runs of this process) travel to Redis
// in one pipeline: a worker with many runs in flight sends one write, not one per event.
let batch: JournaledEvent[] = [];

// The connection is taken when the batch begins, as before a close: a batch never opens a new one.
function sendBatch(redis: Redis): void {
  const events = batch;
  batch = [];
  const pipe = withScript(redis).pipeline() as ReturnType<Redis["pipeline"]> & {
    pystolPublishRunEvent: (...args: Parameters<WithPublish["pystolPublishRunEvent"]>) => unknown;
  };
  for (const e of events) pipe.pystolPublishRunEvent(e.journal, e.channel, e.teamChannel, e.event, JOURNAL_MAX_EVENTS, JOURNAL_TTL_MS, e.teamMessage);
  pipe.exec().catch((err: Error) => log.debug({ events: events.length, err: err.message }, "live events not published"));
}

/** Publishes journaled events in this turn's pipeline; a Redis failure only loses liveness. */
export function publishJournaled(events: JournaledEvent[]): void {
  if (events.length === 0) return;
  if (batch.length === 0) setImmediate(sendBatch, withScript(producerConnection()));
  for (const e of events) batch.push(e);
}

/** Publishes events of a run (stored in PostgreSQL now or with the run's next write); a Redis failure only loses liveness. */
export function publishRunEvents(ref: RunRef, events: RunEvent[]): void {
  publishJournaled(
    events.map((event) => ({
      journal: runJournalKey(ref.runId),
      channel: runChannel(ref.runId),
      teamChannel: teamRunsChannel(ref.teamId),
      event: JSON.stringify(event),
      teamMessage: event.type === "state" ? JSON.stringify({ runId: ref.runId, state: event.state, at: event.at } satisfies TeamRunEvent) : "",
    })),
  );
}

/** A journal id ("<ms>-<seq>"), comparable. */
export type JournalId = string;
const parts = (id: JournalId): [bigint, bigint] => {
  const [ms = "0", seq = "0"] = id.split("-");
  return [BigInt(ms), BigInt(seq)];
};
/** Whether journal id a comes after b. */
export function journalAfter(a: JournalId, b: JournalId): boolean {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am > bm || (am === bm && as > bs);
}

export interface JournalEntry {
  id: JournalId;
  event: RunEvent;
}

const parseEvent = (text: string): RunEvent | null => {
  try {
    return runEventSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
};

/** Every entry of a journal after `after` (all when absent), oldest first, as stored text; empty once it expired. */
export async function readJournal(key: string, after?: JournalId): Promise<{ id: JournalId; text: string }[]> {
  const rows = await producerConnection().xrange(key, after ? `(${after}` : "-", "+");
  return rows.map(([id, fields]) => ({ id, text: fields[1] ?? "" }));
}

/** Every event still in the run's journal, oldest first (empty once it expired). */
export async function readRunJournal(runId: string): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for (const { id, text } of await readJournal(runJournalKey(runId))) {
    const event = parseEvent(text);
    if (event) out.push({ id, event });
  }
  return out;
}

type Handler = (text: string) => void;
let subscriber: ReturnType<typeof createSubscriberConnection> | undefined;
const handlers = new Map<string, Set<Handler>>();

function ensureSubscriber() {
  if (subscriber) return subscriber;
  subscriber = createSubscriberConnection();
  subscriber.on("message", (channel: string, text: string) => {
    for (const fn of handlers.get(channel) ?? []) fn(text);
  });
  return subscriber;
}

// One Redis connection per process serves every subscription; a channel is subscribed while
// anyone listens to it.
export async function subscribeChannel(channel: string, fn: Handler): Promise<() => Promise<void>> {
  const sub = ensureSubscriber();
  let set = handlers.get(channel);
  if (!set) {
    set = new Set();
    handlers.set(channel, set);
    await sub.subscribe(channel);
  }
  set.add(fn);
  return async () => {
    const s = handlers.get(channel);
    if (!s) return;
    s.delete(fn);
    if (s.size === 0) {
      handlers.delete(channel);
      await sub.unsubscribe(channel).catch(() => undefined);
    }
  };
}

/**
 * Calls onEvent for each live event of a run, with its journal id, until the returned function
 * is called. Events before the call are in the journal (readRunJournal) and in PostgreSQL:
 * subscribe first, then read those, then keep only live events with a greater id.
 */
export function subscribeRunEvents(runId: string, onEvent: (event: RunEvent, id: JournalId) => void): Promise<() => Promise<void>> {
  return subscribeChannel(runChannel(runId), (text) => {
    const space = text.indexOf(" ");
    const event = space > 0 ? parseEvent(text.slice(space + 1)) : null;
    if (event) onEvent(event, text.slice(0, space));
  });
}

/**
 * Calls onEvent for each change of state of any run of the team, and onExecution for each of
 * an experiment's execution, until the returned function is called.
 */
export function subscribeTeamRuns(
  teamId: string,
  onEvent: (event: TeamRunEvent) => void,
  onExecution?: (event: TeamExecutionEvent) => void,
): Promise<() => Promise<void>> {
  return subscribeChannel(teamRunsChannel(teamId), (text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const run = teamRunEventSchema.safeParse(json);
    if (run.success) return onEvent(run.data);
    const execution = teamExecutionEventSchema.safeParse(json);
    if (execution.success) onExecution?.(execution.data);
  });
}

// Notices: a process-wide channel per kind whose messages are ids ("this run was asked to
// stop"), one subscription per process serving every id it holds. What a notice says is in
// PostgreSQL already and read at the next heartbeat; a notice only makes it take effect now.
const noticeListeners = new Map<string, Map<string, () => void>>();
const noticeSubscriptions = new Map<string, Promise<unknown>>();

/** Publishes a notice about `id` on a notice channel; a Redis failure only costs time. */
export function publishNotice(channel: string, id: string): void {
  producerConnection()
    .publish(channel, id)
    .catch((err: Error) => log.debug({ channel, id, err: err.message }, "notice not published"));
}

/** Calls fn at each notice about `id` on the channel, until the returned function is called. */
export function onNotice(channel: string, id: string, fn: () => void): () => void {
  let listeners = noticeListeners.get(channel);
  if (!listeners) noticeListeners.set(channel, (listeners = new Map()));
  listeners.set(id, fn);
  if (!noticeSubscriptions.has(channel)) {
    const sub = subscribeChannel(channel, (text) => noticeListeners.get(channel)?.get(text)?.()).catch((err: Error) => {
      noticeSubscriptions.delete(channel);
      log.debug({ channel, err: err.message }, "notices unavailable");
    });
    noticeSubscriptions.set(channel, sub);
  }
  return () => {
    if (listeners.get(id) === fn) listeners.delete(id);
  };
}

/** The process-wide channel on which an abort of a run is told to the worker holding it. */
export const runAbortsChannel = () => `${env().PYSTOL_QUEUE_PREFIX}:run-aborts`;

/** Tells every worker that a run was asked to stop, so the one holding it stops now rather than at its next heartbeat. */
export const noticeRunAbort = (runId: string) => publishNotice(runAbortsChannel(), runId);

/** Calls onAbort when an abort of the run is noticed, until the returned function is called. */
export const onRunAbortNotice = (runId: string, onAbort: () => void) => onNotice(runAbortsChannel(), runId, onAbort);

/** Closes the subscriber connection (tests and shutdown). */
export async function closeRunEvents(): Promise<void> {
  const s = subscriber;
  subscriber = undefined;
  handlers.clear();
  noticeListeners.clear();
  noticeSubscriptions.clear();
  await s?.quit().catch(() => s.disconnect());
}
