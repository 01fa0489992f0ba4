import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as runEvents } from "@/app/api/v1/t/[slug]/runs/[runId]/events/route";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens";
import { db, type Role } from "@/lib/db";
import { removeMember } from "@/lib/teams/manage-members";
import { stillAllowed, type TeamContext } from "@/lib/tenancy";
import { abortRun, runEventStream, startRun } from "./index";
import { startRunStack, waitForRun, type RunStack } from "./testing/harness";

// An open event stream of a run lasts as long as the run (hours for a long cordon): it must
// close once its reader is removed from the team or its token is revoked.
process.env.RUN_HEARTBEAT_MS = "200";

let stack: RunStack;
let owner: TeamContext;
let team: TeamContext["team"];

async function member(role: Role): Promise<{ ctx: TeamContext; membershipId: string }> {
  const user = await db.user.create({ data: { name: `${role} person`, email: `${randomUUID()}@example.test` }, select: { id: true, email: true, name: true } });
  const m = await db.membership.create({ data: { teamId: team.id, userId: user.id, role }, select: { id: true } });
  return { ctx: { team, role, user, tokenId: null }, membershipId: m.id };
}

/** Reads the stream to its end; true when it ended (rather than `stop` being reached). */
async function readToEnd(stream: ReadableStream<Uint8Array>, onFrame: (text: string) => void = () => undefined): Promise<boolean> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return true;
    onFrame(decoder.decode(value));
  }
}

let runId: string;

beforeAll(async () => {
  stack = await startRunStack("stream-access-test");
  const row = await db.team.findUniqueOrThrow({ where: { id: stack.cluster.teamId }, select: { id: true, slug: true, name: true, personal: true, isTrial: true } });
  team = row;
  owner = (await member("OWNER")).ctx;
  // A cordon held for ten minutes: the run and its stream stay open for the whole test.
  const { run } = await startRun({ teamId: team.id, clusterId: stack.cluster.clusterId, actionId: "node-cordon", params: { nodeName: "general-a-1", durationSeconds: 600 } });
  runId = run.id;
});
afterAll(async () => {
  await abortRun(team.id, runId);
  await waitForRun(runId);
  await stack.close();
});

describe("a run's event stream after access ends", () => {
  it("closes when its reader is removed from the team", async () => {
    const viewer = await member("VIEWER");
    expect(await stillAllowed(viewer.ctx, "runs:read")).toBe(true);
    let frames = "";
    let removed = false;
    const ended = readToEnd(runEventStream(team.id, runId, { heartbeatMs: 100, accessCheckMs: 100, stillAllowed: () => stillAllowed(viewer.ctx, "runs:read") }), (t) => {
      frames += t;
      // Once the replay is in, the owner removes the viewer.
      if (!removed && frames.includes('"type":"state"')) {
        removed = true;
        void removeMember(owner, viewer.membershipId);
      }
    });
    expect(await ended).toBe(true);
    expect(removed).toBe(true);
    expect(await stillAllowed(viewer.ctx, "runs:read")).toBe(false);
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).state).toBe("RUNNING");
  });

  it("closes the API stream of a token once it is revoked", async () => {
    const { token, id } = await createApiToken(owner, { name: "follow", scopes: ["read"], expiresIn: "never" });
    const req = new NextRequest(`http://localhost/api/v1/t/${team.slug}/runs/${runId}/events`, { headers: { authorization: `Bearer ${token}` } });
    const res = await runEvents(req, { params: Promise.resolve({ slug: team.slug, runId }) });
    expect(res.status).toBe(200);
    let frames = "";
    let revoked = false;
    const ended = readToEnd(res.body!, (t) => {
      frames += t;
      if (!revoked && frames.includes('"type":"state"')) {
        revoked = true;
        void revokeApiToken(owner, id);
      }
    });
    expect(await ended).toBe(true);
    expect(revoked).toBe(true);
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).state).toBe("RUNNING");
  });
});
