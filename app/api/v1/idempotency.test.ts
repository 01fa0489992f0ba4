import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/auth/create-account";
import { generateToken, hashToken } from "@/lib/crypto";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue";
import { closeRunQueue } from "@/lib/runs";
import { createTestCluster, startTestSandbox, type Sandbox, type TestCluster } from "@/lib/runs/testing/harness";
import * as runsRoute from "./t/[slug]/runs/route";

// A client that lost an answer retries with the same Idempotency-Key and gets the first answer:
// the fault runs once.
let sb: Sandbox;
let c: TestCluster;
let slug: string;
let token: string;
let otherToken: string;

beforeAll(async () => {
  sb = await startTestSandbox();
  c = await createTestCluster(sb);
  slug = (await db.team.findUniqueOrThrow({ where: { id: c.teamId } })).slug;
  const { userId } = await createAccount({ name: "Retry", email: `${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery" }, { ip: null, userAgent: null });
  await db.membership.create({ data: { teamId: c.teamId, userId, role: "MEMBER" } });
  const mint = async () => {
    const t = generateToken("pst");
    await db.apiToken.create({ data: { teamId: c.teamId, name: `ci-${t.slice(4, 10)}`, prefix: t.slice(0, 8), tokenHash: hashToken(t), createdById: userId, scopes: ["run"] } });
    return t;
  };
  token = await mint();
  otherToken = await mint();
});
afterAll(async () => {
  await closeRunQueue();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

const podKill = { cluster: "", action: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } };

async function post(body: unknown, key?: string, as = token) {
  const headers: Record<string, string> = { authorization: `Bearer ${as}`, "content-type": "application/json" };
  if (key !== undefined) headers["idempotency-key"] = key;
  const res = await runsRoute.POST(new NextRequest("http://localhost/api/v1/t/x/runs", { method: "POST", headers, body: JSON.stringify(body) }), { params: Promise.resolve({ slug }) });
  return { status: res.status, replayed: res.headers.get("idempotent-replayed"), body: (await res.json()) as { run?: { id: string }; error?: { code: string; message: string } } };
}

describe("Idempotency-Key", () => {
  it("starts the run once: a retry with the same key and body gets the first answer", async () => {
    const body = { ...podKill, cluster: c.clusterId };
    const key = randomUUID();
    const first = await post(body, key);
    expect(first.status).toBe(201);
    const retry = await post(body, key);
    expect(retry.status).toBe(201);
    expect(retry.replayed).toBe("true");
    expect(retry.body.run?.id).toBe(first.body.run?.id);
    expect(await db.run.count({ where: { teamId: c.teamId, dryRun: false } })).toBe(1);
    // Another principal's same key is another key.
    const other = await post(body, key, otherToken);
    expect(other.status).toBe(201);
    expect(other.body.run?.id).not.toBe(first.body.run?.id);
  });

  it("refuses the same key for another request, and a key that is not one", async () => {
    const key = randomUUID();
    expect((await post({ ...podKill, cluster: c.clusterId, dryRun: true }, key)).status).toBe(201);
    const reused = await post({ ...podKill, cluster: c.clusterId, dryRun: true, params: { ...podKill.params, count: 2 } }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error).toEqual({ code: "idempotency_key_reused", message: "This Idempotency-Key was used for a different request; use a new key for a new request." });
    const bad = await post({ ...podKill, cluster: c.clusterId }, "not a key");
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toBe("The Idempotency-Key header is 1 to 255 visible ASCII characters, such as a UUID.");
  });

  it("keeps refusals too (a retry is refused the same way), and without a key nothing is kept", async () => {
    const key = randomUUID();
    const refused = await post({ ...podKill, cluster: "no-such-cluster" }, key);
    expect(refused.status).toBe(404);
    const again = await post({ ...podKill, cluster: "no-such-cluster" }, key);
    expect(again).toEqual({ ...refused, replayed: "true" });
    const before = await db.idempotentRequest.count();
    await post({ ...podKill, cluster: c.clusterId, dryRun: true });
    expect(await db.idempotentRequest.count()).toBe(before);
  });
});
