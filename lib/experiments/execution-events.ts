import { z } from "zod";
import { env } from "@/lib/env";
import { onNotice, publishJournaled, publishNotice, readJournal, subscribeChannel, teamRunsChannel, type JournalId, type TeamExecutionEvent } from "@/lib/runs/run-events";

// An execution's live events travel exactly as a run's do (lib/runs/run-events): each is
// appended to the execution's journal (a Redis Stream, so a reader replays it and then takes
// live events with greater ids), published on `execution:<id>`, and a change of state is told
// to the team's channel beside its runs'.

/** One live event of an execution. */
export const executionEventSchema = z.discriminatedUnion("type", [
  /** The execution's state changed; `reason` once it has a verdict. */
  z.object({ type: z.literal("state"), state: z.string(), reason: z.string().nullable().optional(), score: z.number().nullable().optional(), at: z.string() }),
  /** A stage started or ended. */
  z.object({ type: z.literal("stage"), index: z.number(), name: z.string(), status: z.enum(["started", "ended"]), at: z.string() }),
  /** A fault step's run started (runId, QUEUED) or ended (its permanent state). */
  z.object({
    type: z.literal("fault"),
    stageIndex: z.number(),
    faultIndex: z.number(),
    runId: z.string().nullable(),
    status: z.enum(["started", "ended"]),
    state: z.string().nullable(),
    summary: z.string().nullable().optional(),
    at: z.string(),
  }),
  /** One evaluation of a check. */
  z.object({
    type: z.literal("sample"),
    checkIndex: z.number(),
    phase: z.enum(["before", "during", "after"]),
    outcome: z.enum(["pass", "fail", "error"]),
    value: z.number().nullable(),
    observed: z.string(),
    durationMs: z.number(),
    at: z.string(),
  }),
  /** A during-check tripped; `stops` when it is a stop condition. */
  z.object({ type: z.literal("trip"), checkIndex: z.number(), name: z.string(), stops: z.boolean(), reason: z.string(), at: z.string() }),
]);
export type ExecutionEvent = z.infer<typeof executionEventSchema>;

export interface ExecutionRef {
  executionId: string;
  teamId: string;
}

export const executionChannel = (executionId: string) => `execution:${executionId}`;
export const executionJournalKey = (executionId: string) => `${env().PYSTOL_QUEUE_PREFIX}:execution-journal:${executionId}`;

/** Publishes events of an execution (what they say is in PostgreSQL already); a Redis failure only loses liveness. */
export function publishExecutionEvents(ref: ExecutionRef, events: ExecutionEvent[]): void {
  publishJournaled(
    events.map((event) => ({
      journal: executionJournalKey(ref.executionId),
      channel: executionChannel(ref.executionId),
      teamChannel: teamRunsChannel(ref.teamId),
      event: JSON.stringify(event),
      teamMessage: event.type === "state" ? JSON.stringify({ executionId: ref.executionId, state: event.state, at: event.at } satisfies TeamExecutionEvent) : "",
    })),
  );
}

export interface ExecutionJournalEntry {
  id: JournalId;
  event: ExecutionEvent;
}

const parseEvent = (text: string): ExecutionEvent | null => {
  try {
    return executionEventSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
};

/** The execution's journal after `after` (whole when absent), oldest first; empty once it expired. */
export async function readExecutionJournal(executionId: string, after?: JournalId): Promise<ExecutionJournalEntry[]> {
  const out: ExecutionJournalEntry[] = [];
  for (const { id, text } of await readJournal(executionJournalKey(executionId), after)) {
    const event = parseEvent(text);
    if (event) out.push({ id, event });
  }
  return out;
}

/** Calls onEvent for each live event of an execution with its journal id, until the returned function is called. */
export function subscribeExecutionEvents(executionId: string, onEvent: (event: ExecutionEvent, id: JournalId) => void): Promise<() => Promise<void>> {
  return subscribeChannel(executionChannel(executionId), (text) => {
    const space = text.indexOf(" ");
    const event = space > 0 ? parseEvent(text.slice(space + 1)) : null;
    if (event) onEvent(event, text.slice(0, space));
  });
}

// Workers drive executions; the web side and check evaluations ask them to stop. The ask is in
// PostgreSQL (abortRequestedAt, trippedBy), read at each heartbeat; this notice makes the
// driver act within moments instead.
const controlChannel = () => `${env().PYSTOL_QUEUE_PREFIX}:execution-control`;

/** Tells the worker driving an execution to look at its row now (an abort, a halt, a trip). */
export const noticeExecutionControl = (executionId: string) => publishNotice(controlChannel(), executionId);

/** Calls onNotice at each control notice of the execution until the returned function is called. */
export const onExecutionControl = (executionId: string, onNotice_: () => void) => onNotice(controlChannel(), executionId, onNotice_);
