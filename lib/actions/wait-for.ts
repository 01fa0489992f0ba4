import { RunAbortedError } from "./errors";

/**
 * Polls `check` until it returns a value, the deadline passes (throws naming `what`) or the
 * signal aborts. Used for objects that change on their own: jobs finishing, probes ending.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; signal: AbortSignal; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let interval = Math.min(opts.intervalMs ?? 1_000, 100);
  for (;;) {
    if (opts.signal.aborted) throw new RunAbortedError(`stopped while waiting for ${what}`);
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() + interval > deadline) throw new Error(`timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
    // Start fast (short simulated jobs), then settle on the given interval.
    interval = Math.min(interval * 2, opts.intervalMs ?? 1_000);
  }
}
