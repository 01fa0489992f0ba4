import { createLogger } from "@/lib/log";

const log = createLogger("run-events");
const encoder = new TextEncoder();

export interface KeepAliveOptions {
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Whether the stream closed meanwhile (a timer never writes to a closed stream). */
  closed: () => boolean;
  /** Closes the stream. */
  finish: () => void;
  /** A comment line this often keeps proxies from closing an idle stream; onHeartbeat runs then too. */
  heartbeatMs: number;
  onHeartbeat: () => void;
  /** Whether the caller may still read what is streamed; asked every accessCheckMs, the stream closes at the first no. */
  stillAllowed?: () => Promise<boolean>;
  accessCheckMs: number;
  /** What the log lines name ({ runId }, { teamId }, { executionId }). */
  subject: Record<string, string>;
}

/**
 * The keep-alive and access loop every live stream shares (a run's, a team's, an execution's):
 * a heartbeat comment with the caller's re-read of what it streams, and the access re-check that
 * closes the stream once the caller lost access (removed from the team, token revoked).
 * Returns the timers, for the stream's cleanup to clear.
 */
export function keepStreamAlive(o: KeepAliveOptions): NodeJS.Timeout[] {
  const timers = [
    setInterval(() => {
      if (o.closed()) return;
      o.controller.enqueue(encoder.encode(": heartbeat\n\n"));
      o.onHeartbeat();
    }, o.heartbeatMs),
  ];
  const allowed = o.stillAllowed;
  if (allowed) {
    timers.push(
      setInterval(() => {
        if (o.closed()) return;
        allowed().then(
          (ok) => {
            if (ok) return;
            log.info(o.subject, "live stream closed: access ended");
            o.finish();
          },
          (err: Error) => log.debug({ ...o.subject, err: err.message }, "access check failed"),
        );
      }, o.accessCheckMs),
    );
  }
  return timers;
}
