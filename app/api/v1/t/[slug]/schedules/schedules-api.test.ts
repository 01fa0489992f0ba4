import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/auth/create-account";
import { generateToken, hashToken } from "@/lib/crypto";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue";
import { createTestCluster, startTestSandbox, type Sandbox, type TestCluster } from "@/lib/runs/testing/harness";
import { closeScheduleQueue } from "@/lib/schedules";
import * as openapi from "../../../openapi.json/route";
import * as listRoute from "./route";
import * as oneRoute from "./[scheduleId]/route";
import * as firingsRoute from "./[scheduleId]/firings/route";
import * as previewRoute from "./preview/route";

// The schedules' routes called as Next.js calls them, with bearer API tokens, against the real
// database and Redis.

type Handler = (req: NextRequest, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

let sb: Sandbox;
let c: TestCluster;
let slug: string;
let runToken: string;
let readToken: string;

async function call(handler: Handler, params: Record<string, string>, opts: { token?: string; method?: string; body?: unknown; query?: string } = {}) {
  const req = new NextRequest(`http://localhost/api/v1/x${opts.query ? `?${opts.query}` : ""}`, {
    method: opts.method ?? "GET",
    headers: { authorization: `Bearer ${opts.token ?? runToken}`, "content-type": "application/json" },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const res = await handler(req, { params: Promise.resolve(params) });
  return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Record<string, any>) }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  sb = await startTestSandbox();
  c = await createTestCluster(sb);
  slug = (await db.team.findUniqueOrThrow({ where: { id: c.teamId } })).slug;
  const email = `${randomUUID().slice(0, 8)}@example.test`;
  const { userId } = await createAccount({ name: "Api User", email, password: "correct horse battery" }, { ip: null, userAgent: null });
  await db.membership.create({ data: { teamId: c.teamId, userId, role: "MEMBER" } });
  const token = async (scopes: string[]) => {
    const t = generateToken("pst");
    await db.apiToken.create({ data: { teamId: c.teamId, name: "ci", prefix: t.slice(0, 8), tokenHash: hashToken(t), createdById: userId, scopes } });
    return t;
  };
  runToken = await token(["run"]);
  readToken = await token(["read"]);
});

afterAll(async () => {
  await closeScheduleQueue();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

describe("schedules API", () => {
  it("previews an expression, or says what is wrong with it", async () => {
    const ok = await call(previewRoute.GET, { slug }, { token: readToken, query: "cron=0%203%20*%20*%201-5&timezone=Europe/Madrid" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ valid: true, description: "on weekdays at 03:00" });
    expect(ok.body.times).toHaveLength(5);
    const bad = await call(previewRoute.GET, { slug }, { token: readToken, query: "cron=0%203%20*%20*&timezone=UTC" });
    expect(bad.body).toEqual({ valid: false, field: "cron", message: "A cron expression has 5 fields (minute hour day month weekday) or 6 (seconds first); this one has 4." });
    const tz = await call(previewRoute.GET, { slug }, { token: readToken, query: "cron=0%203%20*%20*%20*&timezone=Mars/Base" });
    expect(tz.body).toMatchObject({ valid: false, field: "timezone" });
  });

  it("creates, lists, pauses, deletes; refuses bad input per field and a read token", async () => {
    const body = { actionId: "pod-kill", clusterId: c.clusterId, params: { namespace: "shop", labelSelector: "app=cart", count: 1 }, cron: "0 3 * * *", timezone: "UTC" };
    const refused = await call(listRoute.POST, { slug }, { token: readToken, method: "POST", body });
    expect(refused.status).toBe(403);
    const bad = await call(listRoute.POST, { slug }, { method: "POST", body: { ...body, cron: "0 3 * * * * *", timezone: "Nowhere" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([{ path: "timezone", message: '"Nowhere" is not a time zone; pick one such as UTC or Europe/Madrid.' }]);
    const created = await call(listRoute.POST, { slug }, { method: "POST", body });
    expect(created.status).toBe(201);
    const id = created.body.schedule.id as string;
    expect(created.body.schedule).toMatchObject({ kind: "action", what: "Kill pods on sandbox", description: "every day at 03:00", enabled: true, latePolicy: "run-late", last: null });
    const list = await call(listRoute.GET, { slug }, { token: readToken });
    expect(list.body.schedules.map((s: { id: string }) => s.id)).toContain(id);
    const paused = await call(oneRoute.PATCH, { slug, scheduleId: id }, { method: "PATCH", body: { enabled: false } });
    expect(paused.body.schedule).toMatchObject({ enabled: false, nextAt: null });
    const firings = await call(firingsRoute.GET, { slug, scheduleId: id }, { token: readToken });
    expect(firings.body).toEqual({ firings: [] });
    expect((await call(oneRoute.DELETE, { slug, scheduleId: id }, { method: "DELETE" })).status).toBe(204);
    const gone = await call(oneRoute.GET, { slug, scheduleId: id });
    expect(gone.status).toBe(404);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await openapi.GET().json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/t/{slug}/schedules", "/api/v1/t/{slug}/schedules/preview", "/api/v1/t/{slug}/schedules/{scheduleId}", "/api/v1/t/{slug}/schedules/{scheduleId}/firings"]));
  });
});
