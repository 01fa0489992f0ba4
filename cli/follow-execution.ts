import type { PystolClient } from "./client";
import type { FollowEvent } from "./follow";
import { stateName } from "./states";
import type { Execution } from "./types";

// Following an experiment's execution: its detail is polled and every change since the last
// look becomes a line (state, stage, fault, check evaluation), until the verdict.

const POLL_MS = 1000;

/** The lines that tell what changed between two looks at an execution (`before` null: the first look). */
export function changes(before: Execution | null, now: Execution): FollowEvent[] {
  const out: FollowEvent[] = [];
  const at = new Date().toISOString();
  // The verdict is dated by the execution; a state on the way, by when it was seen.
  if (before?.state !== now.state) out.push({ type: "state", at: (now.finished && now.finishedAt) || at, text: `state: ${stateName(now.state)}` });
  for (const s of now.stages) {
    const was = before?.stages[s.index];
    if (s.startedAt && !was?.startedAt) out.push({ type: "step", at: s.startedAt, text: `stage ${s.index + 1} ${s.name}: started` });
    for (const f of s.faults) {
      const prev = was?.faults[f.index];
      if (f.state && f.state !== prev?.state)
        out.push({ type: "step", at: f.finishedAt ?? f.startedAt ?? at, text: `fault ${s.index + 1}.${f.index + 1} ${f.name}: ${stateName(f.state)}${f.summary ? ` (${f.summary})` : ""}` });
    }
    if (s.endedAt && !was?.endedAt) out.push({ type: "step", at: s.endedAt, text: `stage ${s.index + 1} ${s.name}: ended` });
  }
  for (const c of now.checks) {
    const seen = before?.checks[c.index]?.samples.length ?? 0;
    for (const p of c.samples.slice(seen)) out.push({ type: "log", at: p.at, text: `check ${c.name} (${p.phase}): ${p.outcome}${p.observed ? ` — ${p.observed}` : ""}` });
    if (c.tripped && !before?.checks[c.index]?.tripped) out.push({ type: "log", at: now.trippedBy?.checkIndex === c.index ? now.trippedBy.at : at, text: `check ${c.name}: tripped, stopping the experiment` });
  }
  // One look gathers what happened since the last: told in the order it happened.
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * What a first look already shows besides its state (which the caller has printed): a busy
 * server may answer the start with faults already running, and a later look would not tell them.
 */
export function alreadyHappened(first: Execution): FollowEvent[] {
  return changes(null, first).filter((e) => e.type !== "state");
}

/**
 * Follows an execution until its verdict and returns it; `stop` ends the following early
 * (Ctrl-C), returning null. The execution itself goes on.
 */
export async function followExecution(client: PystolClient, id: string, onEvent: (e: FollowEvent) => void, stop: AbortSignal, first: Execution | null = null): Promise<Execution | null> {
  let last = first;
  if (first) for (const e of alreadyHappened(first)) onEvent(e);
  for (;;) {
    if (stop.aborted) return null;
    const { execution } = await client.request<{ execution: Execution }>(`/executions/${encodeURIComponent(id)}`);
    for (const e of changes(last, execution)) onEvent(e);
    last = execution;
    if (execution.finished) return execution;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, POLL_MS);
      stop.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(t);
        stop.removeEventListener("abort", done);
        resolve();
      }
    });
  }
}
