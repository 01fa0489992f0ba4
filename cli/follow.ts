import { ApiFailure, type PystolClient } from "./client";
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

/** What a follower already showed, so a reconnected stream shows nothing twice. */
interface Followed {
  /** The newest stored log line's id: a reconnection asks only for later ones. */
  lastLogId?: string;
  seenLogs: Set<string>;
}

// How long the follower keeps trying while the server is gone (a restart, a deploy) before
// it says so and gives up: the run goes on without it.
const reconnectForMs = () => Number(process.env.PYSTOL_CLI_RECONNECT_MS ?? 120_000);

/** A failure that says nothing about the run: the server or a proxy in front of it is away. */
function isTransient(err: unknown): boolean {
  return err instanceof ApiFailure && (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504);
}

/**
 * Reads the run's Server-Sent Events stream. "finished": a permanent state arrived; "ended":
 * the stream closed or broke (the server restarted, the connection was reset) before that;
 * "unavailable": the server offers no stream (the caller then polls).
 */
async function followStream(client: PystolClient, runId: string, onEvent: (e: FollowEvent) => void, f: Followed): Promise<"finished" | "ended" | "unavailable"> {
  let res: Response;
  try {
    res = await client.raw(`/runs/${encodeURIComponent(runId)}/events${f.lastLogId ? `?after=${f.lastLogId}` : ""}`, { accept: "text/event-stream" });
  } catch (err) {
    if (isTransient(err)) return "ended";
    throw err;
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    await res.body?.cancel().catch(() => undefined);
    return "ended";
  }
  if (!res.ok || !res.body || !(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    await res.body?.cancel().catch(() => undefined);
    return "unavailable";
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await reader.read();
      } catch {
        // A reset socket is the same as a clean end: pick the stream up again.
        return "ended";
      }
      if (chunk.done) return "ended";
      buffer += chunk.value;
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
        if (parsed.type === "log") {
          const key = `${String(parsed.at)}\u0000${String(parsed.message)}`;
          if (f.seenLogs.has(key)) continue;
          f.seenLogs.add(key);
          if (typeof parsed.id === "string" && /^\d+$/.test(parsed.id) && (!f.lastLogId || BigInt(parsed.id) > BigInt(f.lastLogId))) f.lastLogId = parsed.id;
        }
        const e = describe(parsed);
        if (e) onEvent(e);
        const state = typeof parsed.state === "string" ? parsed.state : (parsed.run as { state?: string } | undefined)?.state;
        if ((parsed.type === "state" || parsed.run) && state && PERMANENT.includes(state)) return "finished";
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

/**
 * Follows a run live (the event stream, or polling where there is none) and returns it
 * finished. A server that goes away meanwhile (restart, reset connection, 502/503 from a
 * proxy) is waited for and the stream resumed after the last line shown; only after
 * PYSTOL_CLI_RECONNECT_MS (120 s) without an answer does it give up, saying the run may still be going.
 */
export async function followRun(client: PystolClient, runId: string, onEvent: (e: FollowEvent) => void): Promise<Run> {
  const followed: Followed = { seenLogs: new Set() };
  let away: number | null = null;
  let pause = 500;
  for (let attempt = 0; ; attempt++) {
    try {
      const streamed = attempt < 50 ? await followStream(client, runId, onEvent, followed) : "unavailable";
      if (streamed === "unavailable") await followPolling(client, runId, onEvent);
      const { run } = await client.request<{ run: Run }>(`/runs/${encodeURIComponent(runId)}`);
      away = null;
      pause = 500;
      if (run.finished) return run;
    } catch (err) {
      if (!isTransient(err)) throw err;
      away ??= Date.now();
      const window = reconnectForMs();
      if (Date.now() - away > window) {
        throw new ApiFailure(0, "unreachable", `${(err as Error).message} Stopped following after ${Math.round(window / 1000)} s; the run may still be going: pystol runs get ${runId}`);
      }
      pause = Math.min(pause * 2, 5_000);
    }
    // The stream ended early (a restart of the server): pick it up again.
    await sleep(pause);
  }
}
