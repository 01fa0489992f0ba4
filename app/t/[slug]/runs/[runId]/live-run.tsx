"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { RunState } from "@/lib/db";
import { Badge, Card } from "@/app/_components/ui";
import { useNow } from "@/app/_components/use-now";
import { STATE_LABELS, STATE_TONES } from "../run-format";

export interface LiveStep {
  index: number;
  name: string;
  state: string;
  error: string | null;
  at: string | null;
  /** When the step's timed undo (uncordon, restore replicas) is due; null for none. */
  undoDueAt: string | null;
  undone: boolean;
}

export interface LiveLog {
  key: string;
  level: string;
  message: string;
  at: string;
}

const PERMANENT = new Set<string>(["SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "ROLLBACK_FAILED"]);
const STEP_DOT: Record<string, string> = {
  RUNNING: "bg-brand-500 animate-pulse",
  SUCCEEDED: "bg-emerald-500",
  FAILED: "bg-red-500",
  ROLLED_BACK: "bg-amber-500",
  ROLLBACK_FAILED: "bg-red-700",
};
const LOG_TONE: Record<string, string> = { warn: "text-console-warn", error: "text-console-error", debug: "text-console-muted" };

type Incoming =
  | { type: "state"; state: string; error?: string | null }
  | { type: "progress"; progress: number }
  | { type: "step"; index: number; name: string; state: string; error?: string | null; at: string; undoDueAt?: string | null; undone?: boolean }
  | { type: "log"; id?: string; level: string; message: string; at: string };

const logKey = (l: { at: string; message: string }) => `${l.at}|${l.message}`;
const clock = (at: string | null) => (at ? new Date(at).toISOString().slice(11, 19) : "");

/** "42 s", "12 min 05 s", "1 h 02 min 09 s": time left before a restore. */
function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (h > 0) return `${h} h ${pad(m)} min ${pad(s % 60)} s`;
  if (m > 0) return `${m} min ${pad(s % 60)} s`;
  return `${s} s`;
}

/** The next timed restore of a running run: the earliest undo still due, with when its wait began. */
function nextRestore(state: string, steps: LiveStep[]): { at: number; from: number } | null {
  if (state !== "RUNNING") return null;
  let next: { at: number; from: number } | null = null;
  for (const s of steps) {
    if (!s.undoDueAt || s.undone || s.state !== "SUCCEEDED") continue;
    const at = Date.parse(s.undoDueAt);
    if (!next || at < next.at) next = { at, from: s.at ? Date.parse(s.at) : at };
  }
  return next;
}

/**
 * The live half of the run page: state, progress, the timeline of steps and the log, kept up
 * to date by the run's Server-Sent Events until it reaches a permanent state; then the page
 * reloads its server parts (outcome, objects affected). Give it a `key` of the run's state.
 */
export function LiveRun({
  eventsUrl,
  initial,
  stoppedBy = null,
}: {
  eventsUrl: string;
  /** Who stopped the run and how ("Aborted by Ada Lovelace."), so an abort never reads like an automatic rollback. */
  stoppedBy?: string | null;
  initial: { state: RunState; error: string | null; progress: number; steps: LiveStep[]; logs: LiveLog[]; lastLogId: string | null };
}) {
  const router = useRouter();
  const [state, setState] = useState<string>(initial.state);
  const [error, setError] = useState(initial.error);
  const [progress, setProgress] = useState(initial.progress);
  const [steps, setSteps] = useState<LiveStep[]>(initial.steps);
  const [logs, setLogs] = useState<LiveLog[]>(initial.logs);
  const [live, setLive] = useState(false);
  const logEnd = useRef<HTMLLIElement>(null);

  useEffect(() => {
    if (PERMANENT.has(initial.state)) return;
    const url = initial.lastLogId ? `${eventsUrl}?after=${initial.lastLogId}` : eventsUrl;
    const source = new EventSource(url);
    const seen = new Set(initial.logs.map((l) => l.key));
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.onmessage = (msg: MessageEvent<string>) => {
      let e: Incoming;
      try {
        e = JSON.parse(msg.data) as Incoming;
      } catch {
        return;
      }
      if (e.type === "log") {
        const key = logKey(e);
        if (seen.has(key)) return;
        seen.add(key);
        setLogs((l) => [...l, { key, level: e.level, message: e.message, at: e.at }].slice(-2000));
      } else if (e.type === "progress") {
        setProgress(e.progress);
      } else if (e.type === "step") {
        setSteps((all) => {
          const known = all.find((s) => s.index === e.index);
          const next = all.filter((s) => s.index !== e.index);
          next.push({
            index: e.index,
            name: e.name,
            state: e.state,
            error: e.error ?? null,
            at: e.at,
            undoDueAt: e.undoDueAt ?? known?.undoDueAt ?? null,
            undone: e.undone ?? known?.undone ?? false,
          });
          return next.sort((a, b) => a.index - b.index);
        });
      } else if (e.type === "state") {
        setState(e.state);
        if (e.error !== undefined) setError(e.error);
        if (PERMANENT.has(e.state)) {
          // The server closes the stream here; without close() the browser would reconnect.
          source.close();
          setLive(false);
          router.refresh();
        }
      }
    };
    return () => source.close();
  }, [eventsUrl, initial.state, initial.lastLogId, initial.logs, router]);

  // Follow the newest log line inside the log box only: scrollIntoView would also scroll the
  // page, and on a phone the run page then opened at its log, its title under the header.
  useEffect(() => {
    const box = logEnd.current?.parentElement;
    if (box) box.scrollTop = box.scrollHeight;
  }, [logs.length]);

  const restore = nextRestore(state, steps);
  const waiting = restore !== null;
  // A run waiting for its restore has done its part (100 %) but is not over: count down instead.
  const now = useNow(waiting, null);

  const runState = state as RunState;
  const waited = restore && now !== null ? Math.round(Math.min(1, Math.max(0, (now - restore.from) / Math.max(1, restore.at - restore.from))) * 100) : null;
  const shown = PERMANENT.has(state) && state === "SUCCEEDED" ? 100 : (waited ?? progress);
  return (
    <div className="space-y-4">
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex items-center gap-3">
            <span className="text-sm font-medium text-slate-600">Outcome</span>
            <span data-testid="run-state">
              <Badge tone={STATE_TONES[runState] ?? "slate"}>{STATE_LABELS[runState] ?? state.toLowerCase()}</Badge>
            </span>
            {live ? <span className="text-xs text-emerald-700">● live</span> : null}
          </div>
          {restore ? (
            <span className="text-sm text-slate-600" data-testid="restore-countdown">
              Restores in {now === null ? "…" : timeLeft(restore.at - now)}{" "}
              <span className="text-xs text-slate-500">(at {clock(new Date(restore.at).toISOString())} UTC)</span>
            </span>
          ) : (
            <span className="text-sm text-slate-600">{shown}%</span>
          )}
        </div>
        <div
          role="progressbar"
          aria-label={restore ? "Time until the restore" : "Run progress"}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={shown}
          className="mt-3 h-2 overflow-hidden rounded-full bg-slate-100"
        >
          <div className="h-full rounded-full bg-brand-600 transition-all" style={{ width: `${shown}%` }} />
        </div>
        {stoppedBy ? (
          <p className="mt-3 text-sm font-medium text-slate-800" data-testid="run-stopped-by">
            {stoppedBy}
          </p>
        ) : null}
        {/* After an abort the error only says when it came; it is no fault of the run. */}
        {error ? <p className={`mt-3 text-sm ${stoppedBy ? "text-slate-600" : "text-red-700"}`}>{error}</p> : null}
      </Card>

      <Card title="Steps">
        {steps.length === 0 ? (
          <p className="text-sm text-slate-500">No step yet.</p>
        ) : (
          <ol className="space-y-2" aria-label="Steps">
            {steps.map((s) => (
              <li key={s.index} className="flex items-start gap-3 text-sm">
                <span aria-hidden className={`mt-1.5 inline-block h-2.5 w-2.5 shrink-0 rounded-full ${STEP_DOT[s.state] ?? "bg-slate-300"}`} />
                <div className="min-w-0">
                  <div>
                    <span className="font-medium">{s.name}</span>{" "}
                    <span className="text-xs text-slate-500">
                      {s.state.toLowerCase().replace("_", " ")} {clock(s.at)}
                    </span>
                  </div>
                  {s.error ? <div className="text-xs text-red-700">{s.error}</div> : null}
                </div>
              </li>
            ))}
          </ol>
        )}
      </Card>

      <Card title="Log">
        <ol aria-label="Run log" className="max-h-96 overflow-auto rounded-md bg-console p-3 font-mono text-xs leading-relaxed text-console-text">
          {logs.length === 0 ? <li className="text-console-muted">No log line yet.</li> : null}
          {logs.map((l) => (
            <li key={l.key} className={LOG_TONE[l.level] ?? ""}>
              <span className="text-console-muted">{clock(l.at)}</span> {l.message}
            </li>
          ))}
          <li ref={logEnd} aria-hidden />
        </ol>
      </Card>
    </div>
  );
}
