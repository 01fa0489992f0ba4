import { z } from "zod";
import { createWorkerConnection, producerConnection } from "@/lib/queue";
import { createLogger } from "@/lib/log";

const log = createLogger("run-events");

/** One live event of a run, as published on Redis channel `run:<id>` and streamed over SSE. */
export const runEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("state"), state: z.string(), error: z.string().nullable().optional(), at: z.string() }),
  z.object({ type: z.literal("log"), level: z.string(), message: z.string(), at: z.string() }),
  z.object({ type: z.literal("step"), index: z.number(), name: z.string(), state: z.string(), error: z.string().nullable().optional(), at: z.string() }),
  z.object({ type: z.literal("progress"), progress: z.number(), at: z.string() }),
]);
export type RunEvent = z.infer<typeof runEventSchema>;

export const runChannel = (runId: string) => `run:${runId}`;

// Events published in one turn of the event loop (all runs of this process) travel to Redis
// in one pipeline: a worker with many runs in flight sends one write, not one per event.
let batch: Array<[channel: string, text: string]> = [];

// The connection is taken when the batch begins, as before a close: a batch never opens a new one.
function sendBatch(redis: ReturnType<typeof producerConnection>): void {
  const events = batch;
  batch = [];
  const pipe = redis.pipeline();
  for (const [channel, text] of events) pipe.publish(channel, text);
  pipe.exec().catch((err: Error) => log.debug({ events: events.length, err: err.message }, "live events not published"));
}

/** Publishes events of a run (already stored in PostgreSQL); a Redis failure only loses liveness. */
export function publishRunEvents(runId: string, events: RunEvent[]): void {
  if (events.length === 0) return;
  if (batch.length === 0) setImmediate(sendBatch, producerConnection());
  for (const e of events) batch.push([runChannel(runId), JSON.stringify(e)]);
}

type Listener = (event: RunEvent) => void;
let subscriber: ReturnType<typeof createWorkerConnection> | undefined;
const listeners = new Map<string, Set<Listener>>();

function ensureSubscriber() {
  if (subscriber) return subscriber;
  subscriber = createWorkerConnection();
  subscriber.on("message", (channel: string, text: string) => {
    const set = listeners.get(channel);
    if (!set) return;
    let parsed: RunEvent;
    try {
      parsed = runEventSchema.parse(JSON.parse(text));
    } catch {
      return;
    }
    for (const fn of set) fn(parsed);
  });
  return subscriber;
}

/**
 * Calls onEvent for each live event of a run until the returned function is called. One Redis
 * connection per process serves every subscription. Events before the call are in RunLog /
 * RunStep: read those first, then subscribe (and de-duplicate by time if needed).
 */
export async function subscribeRunEvents(runId: string, onEvent: Listener): Promise<() => Promise<void>> {
  const channel = runChannel(runId);
  const sub = ensureSubscriber();
  let set = listeners.get(channel);
  if (!set) {
    set = new Set();
    listeners.set(channel, set);
    await sub.subscribe(channel);
  }
  set.add(onEvent);
  return async () => {
    const s = listeners.get(channel);
    if (!s) return;
    s.delete(onEvent);
    if (s.size === 0) {
      listeners.delete(channel);
      await sub.unsubscribe(channel).catch(() => undefined);
    }
  };
}

/** Closes the subscriber connection (tests and shutdown). */
export async function closeRunEvents(): Promise<void> {
  const s = subscriber;
  subscriber = undefined;
  listeners.clear();
  await s?.quit().catch(() => s.disconnect());
}
