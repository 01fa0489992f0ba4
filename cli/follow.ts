import type { PystolClient } from "./client";
import { stateName } from "./states";
import { PERMANENT, type LogLine, type Run } from "./types";

/** What a follower reports while a run goes on, with the time the server gave it. */
export interface FollowEvent {
  type: "log" | "step" | "state" | "progress";
  text: string;
  /** When it happened (ISO 8601, UTC); the time it arrived when the server gave none. */
  at: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One live event from the run's SSE stream, as text for people; null for what is not shown. */
function describe(data: Record<string, unknown>): FollowEvent | null {
  const at = typeof data.at === "string" ? data.at : new Date().toISOString();
  switch (data.type) {
    case "log":
      return { type: "log", at, text: `${String(data.level ?? "info").padEnd(5)} ${String(data.message ?? "")}` };
    case "step":
      return { type: "step", at, text: `step ${Number(data.index) + 1} ${String(data.name ?? "")}: ${stateName(String(data.state ?? ""))}${data.error ? ` (${String(data.error)})` : ""}` };
    case "state":
      return { type: "state", at, text: `state: ${stateName(String(data.state ?? ""))}${data.error ? ` (${String(data.error)})` : ""}` };
    default:
      return null;
  }
}

/**
 * Reads the run's Server-Sent Events stream until a permanent state arrives or the stream
 * ends. Returns false when the server offers no stream (the caller then polls).
 */
async function followStream(client: PystolClient, runId: string, onEvent: (e: FollowEvent) => void): Promise<boolean> {
  const res = await client.raw(`/runs/${encodeURIComponent(runId)}/events`, { accept: "text/event-stream" });
  if (!res.ok || !res.body || !(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    await res.body?.cancel().catch(() => undefined);
    return false;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      buffer += value;
      let cut: number;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const message = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, "");
        const data = message
          .split(/\r?\n/)
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trimStart())
          .join("\n");
        if (!data) continue;
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(data) as Record<string, unknown>;
        } catch {
          continue;
        }
        const e = describe(parsed);
        if (e) onEvent(e);
        const state = typeof parsed.state === "string" ? parsed.state : (parsed.run as { state?: string } | undefined)?.state;
        if ((parsed.type === "state" || parsed.run) && state && PERMANENT.includes(state)) return true;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Polls the run and its new log lines until the run is finished. */
async function followPolling(client: PystolClient, runId: string, onEvent: (e: FollowEvent) => void): Promise<void> {
  let after: number | undefined;
  let last = "";
  for (;;) {
    const { run } = await client.request<{ run: Run }>(`/runs/${encodeURIComponent(runId)}`);
    const { logs } = await client.request<{ logs: LogLine[] }>(`/runs/${encodeURIComponent(runId)}/logs${after !== undefined ? `?after=${after}` : ""}`);
    for (const l of logs) onEvent({ type: "log", at: l.at, text: `${l.level.padEnd(5)} ${l.message}` });
    if (logs.length) after = logs[logs.length - 1]!.id;
    if (run.state !== last) {
      last = run.state;
      onEvent({ type: "state", at: new Date().toISOString(), text: `state: ${stateName(run.state)}` });
    }
    if (run.finished) return;
    await sleep(1000);
  }
}

/** Follows a run live (the event stream, or polling where there is none) and returns it finished. */
export async function followRun(client: PystolClient, runId: string, onEvent: (e: FollowEvent) => void): Promise<Run> {
  for (let attempt = 0; ; attempt++) {
    const streamed = attempt < 5 && (await followStream(client, runId, onEvent));
    if (!streamed) await followPolling(client, runId, onEvent);
    const { run } = await client.request<{ run: Run }>(`/runs/${encodeURIComponent(runId)}`);
    if (run.finished) return run;
    // The stream ended early (a restart of the server): pick it up again.
    await sleep(500);
  }
}
