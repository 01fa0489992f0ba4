import type { IncomingMessage, ServerResponse } from "node:http";

/** Methods that may change stored state: their answer waits for the journal. */
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

export const mayWrite = (req: IncomingMessage) => !READS.has(req.method ?? "GET");

/**
 * The commit point of a write: the answer leaves only once the journal holds every change made so
 * far, the request's own included (an acknowledged write survives a SIGKILL, as etcd's does).
 *
 * Handlers answer as they always have; this holds back the first write() or end() of the response
 * (Node sends the status line and headers with the first body bytes) until `durable()` resolves,
 * then lets everything through in order. `durable()` is asked at that moment, so it covers what
 * the handler changed. When it fails the connection is cut: the client gets no answer, which is
 * what an unacknowledged write looks like, and the process is about to stop (see durable.ts).
 */
export function answerWhenDurable(res: ServerResponse, durable: () => Promise<void>) {
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  const held: (() => void)[] = [];
  let state: "open" | "waiting" | "through" = "open";
  const hold = (f: () => void) => {
    held.push(f);
    if (state !== "open") return;
    state = "waiting";
    durable().then(
      () => {
        state = "through";
        res.write = write as ServerResponse["write"];
        res.end = end as ServerResponse["end"];
        for (const g of held) g();
      },
      (e: unknown) => res.destroy(e instanceof Error ? e : new Error(String(e))),
    );
  };
  res.write = ((...a: unknown[]) => {
    if (state === "through") return write(...a);
    hold(() => write(...a));
    return true;
  }) as ServerResponse["write"];
  res.end = ((...a: unknown[]) => {
    if (state === "through") return end(...a);
    hold(() => end(...a));
    return res;
  }) as ServerResponse["end"];
}
