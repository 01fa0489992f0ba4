import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { abortOf, haltTeamRuns, startRun, teamRunStream, type TeamStreamEvent } from "./index";
import { eventually, startRunStack, waitForRun, type RunStack } from "./testing/harness";

// The team's stream of run state changes, which the lists and the overview follow.
process.env.RUN_HEARTBEAT_MS = "200";

let stack: RunStack;
beforeAll(async () => {
  stack = await startRunStack("team-stream-test");
});
afterAll(() => stack.close());

/** Collects the stream's events in the background. */
function collect(stream: ReadableStream<Uint8Array>) {
  const events: TeamStreamEvent[] = [];
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      for (let cut = text.indexOf("\n\n"); cut >= 0; cut = text.indexOf("\n\n")) {
        const frame = text.slice(0, cut);
        text = text.slice(cut + 2);
        if (frame.startsWith("data: ")) events.push(JSON.parse(frame.slice(6)) as TeamStreamEvent);
      }
    }
  })();
  return { events, done, stop: () => reader.cancel() };
}

describe("teamRunStream", () => {
  it("follows halt-all to every run's end, and each run says who halted it", async () => {
    const c = stack.cluster;
    const drawnAt = new Date();
    const runs = await Promise.all(
      ["general-a-1", "general-b-1"].map(async (nodeName) => (await startRun({ teamId: c.teamId, clusterId: c.clusterId, actionId: "node-cordon", params: { nodeName, durationSeconds: 3600 } })).run),
    );
    const ids = runs.map((r) => r.id);
    await eventually("both cordons running", async () => (await db.run.count({ where: { id: { in: ids }, state: "RUNNING" } })) === 2);

    // A view drawn before the runs started learns at once that something changed.
    const s = collect(teamRunStream(c.teamId, { since: drawnAt }));
    await eventually("a change since the view was drawn", async () => s.events.some((e) => e.type === "changed"));

    await haltTeamRuns(c.teamId, { name: "Ada Lovelace", userId: null, tokenId: null });
    for (const id of ids) expect((await waitForRun(id)).state).toBe("ROLLED_BACK");
    await eventually("both rolled back on the stream", async () =>
      ids.every((id) => s.events.some((e) => e.type === "run" && e.runId === id && e.state === "ROLLED_BACK")),
    );
    for (const id of ids) expect(await abortOf(c.teamId, id)).toMatchObject({ name: "Ada Lovelace", via: "halt" });
    await s.stop();
    await s.done;
  });

  it("closes when the reader loses access", async () => {
    let allowed = true;
    const s = collect(teamRunStream(stack.cluster.teamId, { accessCheckMs: 50, stillAllowed: async () => allowed }));
    allowed = false;
    await s.done;
    expect(s.events).toEqual([]);
  });
});
