import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { producerConnection } from "@/lib/queue";
import { abortRun, runChannel, runEventStream, startRun, type StreamEvent } from "./index";
import { createTestCluster, eventually, startRunStack, waitForRun, type RunStack, type TestCluster } from "./testing/harness";

// The SSE stream of a run against the real stack: PostgreSQL, Redis pub/sub, a run worker and
// the sandbox cluster.
process.env.RUN_HEARTBEAT_MS = "200";

let stack: RunStack;
let c: TestCluster;

beforeAll(async () => {
  stack = await startRunStack("stream-test");
  c = stack.cluster;
});
afterAll(() => stack.close());

/** Reads SSE frames from the stream until `until` says stop or the stream ends. */
async function readEvents(stream: ReadableStream<Uint8Array>, until: (e: StreamEvent, all: StreamEvent[]) => boolean = () => false) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const events: StreamEvent[] = [];
  let text = "";
  let ended = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    text += decoder.decode(value, { stream: true });
    let stop = false;
    for (let cut = text.indexOf("\n\n"); cut >= 0; cut = text.indexOf("\n\n")) {
      const frame = text.slice(0, cut);
      text = text.slice(cut + 2);
      if (!frame.startsWith("data: ")) continue;
      const e = JSON.parse(frame.slice(6)) as StreamEvent;
      events.push(e);
      if (until(e, events)) stop = true;
    }
    if (stop) break;
  }
  return { events, ended, reader };
}

const subscribers = async (runId: string) => {
  const [, count] = (await producerConnection().pubsub("NUMSUB", runChannel(runId))) as [string, number];
  return Number(count);
};

describe("runEventStream", () => {
  it("replays a running run, follows its abort live to rolled back, then closes", async () => {
    const { run } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "node-cordon", params: { nodeName: "general-a-1", durationSeconds: 600 } });
    // The cordon step is done and the run waits for its due uncordon.
    await eventually("cordon step recorded", async () => (await db.runStep.count({ where: { runId: run.id, state: "SUCCEEDED" } })) > 0);
    const stream = runEventStream(c.teamId, run.id, { heartbeatMs: 100 });
    const first = await readEvents(stream, (e, all) => e.type === "state" && all.some((x) => x.type === "step"));
    expect(first.events.find((e) => e.type === "step")).toMatchObject({ name: "cordon node general-a-1", state: "SUCCEEDED" });
    expect(first.events.at(-1)).toMatchObject({ type: "state", state: "RUNNING" });
    first.reader.releaseLock();

    await abortRun(c.teamId, run.id);
    const rest = await readEvents(stream);
    expect(rest.ended).toBe(true);
    const states = rest.events.filter((e) => e.type === "state").map((e) => (e as { state: string }).state);
    expect(states.at(-1)).toBe("ROLLED_BACK");
    expect(rest.events.some((e) => e.type === "log" && /rolling back/.test(e.message))).toBe(true);
    expect((await waitForRun(run.id)).state).toBe("ROLLED_BACK");
    await eventually("unsubscribed after the close", async () => (await subscribers(run.id)) === 0);

    // A finished run: the stored events, only the log lines after the one asked for, then the end.
    const logs = await db.runLog.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });
    expect(logs.length).toBeGreaterThan(1);
    const replay = await readEvents(runEventStream(c.teamId, run.id, { afterLogId: logs[0]!.id }));
    expect(replay.ended).toBe(true);
    const replayed = replay.events.filter((e) => e.type === "log");
    expect(replayed.map((e) => e.message)).toEqual(logs.slice(1).map((l) => l.message));
    expect(replayed[0]).toMatchObject({ id: logs[1]!.id.toString() });
    expect(replay.events.at(-1)).toMatchObject({ type: "state", state: "ROLLED_BACK" });
  });

  it("stops following and unsubscribes when the client goes away", async () => {
    const { run } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "node-cordon", params: { nodeName: "general-b-1", durationSeconds: 600 } });
    const client = new AbortController();
    const stream = runEventStream(c.teamId, run.id, { heartbeatMs: 50, signal: client.signal });
    const seen = await readEvents(stream, (e) => e.type === "state");
    expect(seen.events.length).toBeGreaterThan(0);
    expect(await subscribers(run.id)).toBe(1);
    client.abort();
    await eventually("unsubscribed after the client left", async () => (await subscribers(run.id)) === 0);
    await abortRun(c.teamId, run.id);
    expect((await waitForRun(run.id)).state).toBe("ROLLED_BACK");
  });

  it("tells nothing about another team's run: the stream ends at once", async () => {
    const other = await createTestCluster(stack.sandbox);
    const { run } = await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=ads" }, confirm: "pod-kill" });
    const seen = await readEvents(runEventStream(other.teamId, run.id));
    expect(seen.ended).toBe(true);
    expect(seen.events).toEqual([]);
    await waitForRun(run.id);
  });
});
