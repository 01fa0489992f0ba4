import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { abortRun, readRunJournal, runEventStream, startRun, subscribeRunEvents, type RunEvent, type StreamEvent } from "./index";
import { startRunStack, type RunStack } from "./testing/harness";

// A worker stores the log lines and quick steps of a run with its next write (state change or
// heartbeat) but publishes them at once. A stream opened in between must still replay them:
// the heartbeat is long here, so that window stays open for the whole test.
process.env.RUN_HEARTBEAT_MS = "60000";

let stack: RunStack;

beforeAll(async () => {
  stack = await startRunStack("replay-test");
});
afterAll(() => stack.close());

/** Reads SSE frames until `until` says stop. */
async function readUntil(stream: ReadableStream<Uint8Array>, until: (e: StreamEvent) => boolean) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const events: StreamEvent[] = [];
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let stop = false;
    for (let cut = text.indexOf("\n\n"); cut >= 0; cut = text.indexOf("\n\n")) {
      const frame = text.slice(0, cut);
      text = text.slice(cut + 2);
      if (!frame.startsWith("data: ")) continue;
      const e = JSON.parse(frame.slice(6)) as StreamEvent;
      events.push(e);
      if (until(e)) stop = true;
    }
    if (stop) break;
  }
  await reader.cancel();
  return events;
}

describe("replay of a run's events", () => {
  it("replays round 1 of a pod kill that was published but not yet stored", async () => {
    const c = stack.cluster;
    const { run } = await startRun({
      teamId: c.teamId,
      clusterId: c.clusterId,
      actionId: "pod-kill",
      params: { namespace: "shop", labelSelector: "app=cart", count: 1, repeat: 3, intervalSeconds: 3600 },
    });
    // Watch round 1 end live, as the worker publishes it.
    const seen = new Map<string, RunEvent>();
    let roundOne!: () => void;
    const ended = new Promise<void>((r) => (roundOne = r));
    const take = (e: RunEvent, id: string) => {
      seen.set(id, e);
      if (e.type === "step" && e.name.startsWith("round 1:") && e.state === "SUCCEEDED") roundOne();
    };
    const unsubscribe = await subscribeRunEvents(run.id, take);
    // Round 1 may have ended before the subscription was in place: its journal has it then.
    for (const { id, event } of await readRunJournal(run.id)) take(event, id);
    await ended;
    await unsubscribe();
    const live = [...seen.values()];
    // The worker holds round 1 for its next write, an hour away: the table has no step yet.
    expect(await db.runStep.count({ where: { runId: run.id } })).toBe(0);

    // A page opened now: the replay ends with the run's state.
    const replay = await readUntil(runEventStream(c.teamId, run.id), (e) => e.type === "state");
    const step = replay.find((e) => e.type === "step");
    expect(step).toMatchObject({ type: "step", index: 0, state: "SUCCEEDED" });
    expect((step as { name: string }).name).toMatch(/^round 1: delete pod /);
    const liveLogs = live.filter((e) => e.type === "log").map((e) => e.message);
    expect(liveLogs.length).toBeGreaterThan(0);
    const replayedLogs = replay.filter((e) => e.type === "log").map((e) => e.message);
    expect(replayedLogs).toEqual(expect.arrayContaining(liveLogs));
    expect(new Set(replayedLogs).size).toBe(replayedLogs.length);
    expect(replay.at(-1)).toMatchObject({ type: "state", state: "RUNNING" });

    // The worker sees the abort at its next heartbeat; leaving, it hands the run back for rollback.
    await abortRun(c.teamId, run.id);
  });
});
