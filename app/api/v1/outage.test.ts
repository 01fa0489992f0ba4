import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, killHard, startRedis } from "@/lib/runs/testing/processes";

// Outages of what the API depends on: the answer is 503 with Retry-After and a sentence, never
// a 500, and nothing half-made is left behind. Redis here is a server of this test's own,
// killed mid-test; the machine's Redis is never touched.
const redisPort = await freePort();
let redis: ChildProcess = await startRedis(redisPort);
process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;

// Imported after REDIS_URL is set: the environment is read once, at first use.
const { createAccount } = await import("@/lib/auth/create-account");
const { generateToken, hashToken } = await import("@/lib/crypto");
const { db } = await import("@/lib/db");
const { closeProducerConnection } = await import("@/lib/queue");
const { closeRunQueue } = await import("@/lib/runs");
const h = await import("@/lib/runs/testing/harness");
const runsRoute = await import("./t/[slug]/runs/route");
const executionRoute = await import("./t/[slug]/experiments/[experiment]/run/route");
const { contextOf, saveExperiment } = await import("@/lib/experiments/testing/harness");
const { buildFromTemplate, getTemplate } = await import("@/lib/experiments/templates");
const { closeExperimentQueues } = await import("@/lib/experiments");

let sb: Awaited<ReturnType<typeof h.startTestSandbox>>;
let c: Awaited<ReturnType<typeof h.createTestCluster>>;
let slug: string;
let token: string;

beforeAll(async () => {
  sb = await h.startTestSandbox();
  c = await h.createTestCluster(sb);
  slug = (await db.team.findUniqueOrThrow({ where: { id: c.teamId } })).slug;
  const { userId } = await createAccount({ name: "Outage", email: `${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery" }, { ip: null, userAgent: null });
  await db.membership.create({ data: { teamId: c.teamId, userId, role: "MEMBER" } });
  token = generateToken("pst");
  await db.apiToken.create({ data: { teamId: c.teamId, name: "ci", prefix: token.slice(0, 8), tokenHash: hashToken(token), createdById: userId, scopes: ["run"] } });
});

afterAll(async () => {
  await closeExperimentQueues();
  await closeRunQueue();
  await closeProducerConnection();
  await sb.server.close();
  await killHard(redis);
  await db.$disconnect();
});

const startRun = (body: unknown) =>
  runsRoute.POST(
    new NextRequest("http://localhost/api/v1/x", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ slug }) },
  );

describe("a queue outage", { timeout: 60_000 }, () => {
  it("answers 503 with Retry-After and a sentence, and leaves no run behind; runs start again once Redis is back", async () => {
    const body = { cluster: c.clusterId, action: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } };
    await killHard(redis);
    const res = await startRun(body);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe("unavailable");
    expect(answer.error.message).toBe("The service is briefly unavailable: its queue is not answering. Nothing was started or changed; try again in a few seconds.");
    expect(await db.run.count({ where: { teamId: c.teamId } })).toBe(0);
    expect((await db.team.findUniqueOrThrow({ where: { id: c.teamId } })).activeRuns).toBe(0);

    redis = await startRedis(redisPort);
    const again = await h.eventually("runs accepted again", async () => {
      const r = await startRun(body);
      return r.status === 201 ? r : false;
    });
    expect(again.status).toBe(201);
    expect(await db.run.count({ where: { teamId: c.teamId } })).toBe(1);
  });
});

describe("a queue outage when an experiment starts", { timeout: 60_000 }, () => {
  it("answers 503 and leaves no execution behind, so that the client's retry starts exactly one", async () => {
    const built = buildFromTemplate(getTemplate("replica-lost")!, {});
    if (!built.ok) throw new Error("the template refused its defaults");
    const experiment = await saveExperiment(await contextOf(c), c, built.definition);
    const start = () =>
      executionRoute.POST(
        new NextRequest("http://localhost/api/v1/x", {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": randomUUID() },
          body: "{}",
        }),
        { params: Promise.resolve({ slug, experiment: experiment.id }) },
      );
    await killHard(redis);
    const res = await start();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    // Before: the execution stayed, ERROR "Could not be queued", while the client was told nothing started.
    expect(await db.experimentExecution.count({ where: { experimentId: experiment.id } })).toBe(0);

    redis = await startRedis(redisPort);
    const again = await h.eventually("executions accepted again", async () => {
      const r = await start();
      return r.status === 202 ? r : false;
    });
    expect(again.status).toBe(202);
    expect(await db.experimentExecution.count({ where: { experimentId: experiment.id } })).toBe(1);
  });
});
