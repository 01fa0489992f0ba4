import { z } from "zod";
import type { Redis } from "ioredis";
import { env } from "@/lib/env";
import { createWorkerConnection, producerConnection } from "@/lib/queue";
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

// Events published in one turn of the event loop (all runs of this process) travel to Redis
// in one pipeline: a worker with many runs in flight sends one write, not one per event.
let batch: Array<{ ref: RunRef; event: RunEvent }> = [];

// The connection is taken when the batch begins, as before a close: a batch never opens a new one.
function sendBatch(redis: Redis): void {
  const events = batch;
  batch = [];
  const pipe = withScript(redis).pipeline() as ReturnType<Redis["pipeline"]> & {
    pystolPublishRunEvent: (...args: Parameters<WithPublish["pystolPublishRunEvent"]>) => unknown;
  };
  for (const { ref, event } of events) {
    const teamMessage = event.type === "state" ? JSON.stringify({ runId: ref.runId, state: event.state, at: event.at } satisfies TeamRunEvent) : "";
    pipe.pystolPublishRunEvent(runJournalKey(ref.runId), runChannel(ref.runId), teamRunsChannel(ref.teamId), JSON.stringify(event), JOURNAL_MAX_EVENTS, JOURNAL_TTL_MS, teamMessage);
  }
  pipe.exec().catch((err: Error) => log.debug({ events: events.length, err: err.message }, "live events not published"));
}

/** Publishes events of a run (stored in PostgreSQL now or with the run's next write); a Redis failure only loses liveness. */
export function publishRunEvents(ref: RunRef, events: RunEvent[]): void {
  if (events.length === 0) return;
  if (batch.length === 0) setImmediate(sendBatch, withScript(producerConnection()));
  for (const event of events) batch.push({ ref, event });
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

/** Every event still in the run's journal, oldest first (empty once it expired). */
export async function readRunJournal(runId: string): Promise<JournalEntry[]> {
  const rows = await producerConnection().xrange(runJournalKey(runId), "-", "+");
  const out: JournalEntry[] = [];
  for (const [id, fields] of rows) {
    const event = parseEvent(fields[1] ?? "");
    if (event) out.push({ id, event });
  }
  return out;
}

type Handler = (text: string) => void;
let subscriber: ReturnType<typeof createWorkerConnection> | undefined;
const handlers = new Map<string, Set<Handler>>();

function ensureSubscriber() {
  if (subscriber) return subscriber;
  subscriber = createWorkerConnection();
  subscriber.on("message", (channel: string, text: string) => {
    for (const fn of handlers.get(channel) ?? []) fn(text);
  });
  return subscriber;
}

// One Redis connection per process serves every subscription; a channel is subscribed while
// anyone listens to it.
async function subscribeChannel(channel: string, fn: Handler): Promise<() => Promise<void>> {
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

/** Calls onEvent for each change of state of any run of the team until the returned function is called. */
export function subscribeTeamRuns(teamId: string, onEvent: (event: TeamRunEvent) => void): Promise<() => Promise<void>> {
  return subscribeChannel(teamRunsChannel(teamId), (text) => {
    try {
      onEvent(teamRunEventSchema.parse(JSON.parse(text)));
    } catch {
      // not ours
    }
  });
}

/** Closes the subscriber connection (tests and shutdown). */
export async function closeRunEvents(): Promise<void> {
  const s = subscriber;
  subscriber = undefined;
  handlers.clear();
  await s?.quit().catch(() => s.disconnect());
}
