import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TeamContext } from "@/lib/tenancy";

// Outgoing webhooks against real parts: PostgreSQL, Redis with a BullMQ worker on the webhooks
// queue (under a queue prefix of this file's own), and a real HTTP receiver in this process.
// Loopback is admitted by the installation settings below, as a test installation would; the
// refusal tests pass the default rules (nothing but public addresses, https only) explicitly.
Object.assign(process.env, {
  PYSTOL_QUEUE_PREFIX: `pystol-webhooks-${randomBytes(4).toString("hex")}`,
  PYSTOL_WEBHOOK_ALLOW_HTTP: "true",
  PYSTOL_WEBHOOK_ALLOWED_CIDRS: "127.0.0.1/32",
  WEBHOOK_ATTEMPTS: "4",
  WEBHOOK_BACKOFF_MS: "200",
  WEBHOOK_TIMEOUT_MS: "5000",
});

const { db } = await import("@/lib/db");
const { createAddressPolicy } = await import("@/lib/kube");
const { createLogger } = await import("@/lib/log");
const { createWorkerConnection, closeQueues, closeProducerConnection } = await import("@/lib/queue");
const { processJob } = await import("@/lib/queue/consumer");
const { testAccount, contextOf } = await import("@/lib/teams/test-helpers");
const wh = await import("./index");
const { checkEndpointUrl } = await import("./check-url");
const { deliverWebhook, RESPONSE_BODY_LIMIT } = await import("./deliver");
const { slackBody } = await import("./format");
const { notifyExecutionVerdict } = await import("./notify");

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

const received: Received[] = [];
const hits = new Map<string, number>();
// The receiver: /ok answers 200, /flaky 503 twice then 200, /down always 500 with a long body,
// /redirect a 302 to /ok (which must not be followed).
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const path = (req.url ?? "/").split("?")[0]!;
    const key = path.split("/").slice(0, 3).join("/");
    received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (key.startsWith("/flaky") && n <= 2) return void res.writeHead(503).end("try later");
    if (key.startsWith("/down")) return void res.writeHead(500).end("x".repeat(10_000));
    if (key.startsWith("/redirect")) return void res.writeHead(302, { location: "/ok/after-redirect" }).end();
    res.writeHead(200, { "content-type": "text/plain" }).end("thanks");
  });
});
let base = "";
let worker: Worker;
let ctx: TeamContext;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false>, bound = 60_000): Promise<T> {
  const until = Date.now() + bound;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > until) throw new Error(`never: ${what}`);
    await sleep(100);
  }
}
const finished = (id: string) =>
  eventually(`delivery ${id} finished`, async () => {
    const d = await db.webhookDelivery.findUnique({ where: { id } });
    return d && (d.status === "delivered" || d.status === "failed") ? d : null;
  });
const uniquePath = (p: string) => `${p}/${randomBytes(6).toString("hex")}`;

async function ownerContext(): Promise<TeamContext> {
  const user = await testAccount("Grace");
  const c = await contextOf(user, user.teamSlug);
  return { ...c, role: "OWNER" };
}

// A team's experiment on a cluster row (never contacted: no execution runs here), and
// executions written with their verdicts as the engine would leave them.
async function experimentIn(c: TeamContext) {
  const cluster = await db.cluster.create({ data: { teamId: c.team.id, name: `c-${randomBytes(3).toString("hex")}`, kind: "KUBECONFIG", status: "CONNECTED" } });
  return db.experiment.create({ data: { teamId: c.team.id, name: `checkout-${randomBytes(3).toString("hex")}`, clusterId: cluster.id, definition: {} } });
}
let queuedAt = Date.now() - 3_600_000;
async function execution(exp: { id: string; teamId: string; clusterId: string }, state: "PASSED" | "FAILED" | "ERROR", score: number | null, scheduleId: string | null = null) {
  queuedAt += 60_000;
  return db.experimentExecution.create({
    data: { teamId: exp.teamId, experimentId: exp.id, clusterId: exp.clusterId, version: 1, definition: {}, state, score, scheduleId, reason: `it ended ${state.toLowerCase()}`, queuedAt: new Date(queuedAt), finishedAt: new Date(queuedAt + 30_000) },
  });
}

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const log = createLogger("webhooks-test");
  const shutdown = new AbortController();
  worker = new Worker("webhooks", (job, token) => processJob(job, token, { workerId: "webhooks-test", shutdown: shutdown.signal, log }), {
    connection: createWorkerConnection(),
    prefix: process.env.PYSTOL_QUEUE_PREFIX,
    concurrency: 4,
  });
  worker.on("error", () => undefined);
  ctx = await ownerContext();
});

afterAll(async () => {
  await worker?.close();
  await closeQueues();
  await closeProducerConnection();
  await new Promise((r) => server.close(r));
});

describe("signing and delivery", () => {
  it("signs each delivery with the team's secret, shown once, and logs the attempt", async () => {
    const path = uniquePath("/ok");
    const { endpoint, secret } = await wh.createWebhook(ctx, { name: "Receiver", url: `${base}${path}`, events: ["execution.failed"] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    // The second endpoint does not show the secret again.
    const again = await wh.createWebhook(ctx, { name: "Second", url: `${base}${uniquePath("/ok")}`, events: ["score.dropped"] });
    expect(again.secret).toBeNull();

    const id = await wh.sendTestWebhook(ctx, endpoint.id);
    const d = await finished(id);
    expect(d).toMatchObject({ status: "delivered", attempts: 1, responseCode: 200, responseBody: "thanks", error: null });
    expect(d.latencyMs).toEqual(expect.any(Number));

    const got = received.filter((r) => r.path === path);
    expect(got).toHaveLength(1);
    const header = String(got[0]!.headers["pystol-signature"]);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    // Verified as a receiver would: HMAC-SHA256 over "<t>.<raw body>".
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(header)!;
    expect(createHmac("sha256", secret!).update(`${t}.${got[0]!.body}`).digest("hex")).toBe(v1);
    expect(wh.verifySignature(secret!, header, got[0]!.body)).toBe(true);
    expect(wh.verifySignature(secret!, header, got[0]!.body + " ")).toBe(false);
    expect(wh.verifySignature(secret!, header, got[0]!.body, { now: Number(t) + 3600 })).toBe(false);
    expect(got[0]!.headers["pystol-event"]).toBe("webhook.test");
    expect(got[0]!.headers["pystol-delivery"]).toBe(id);
    const body = JSON.parse(got[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ id, event: "webhook.test", team: { slug: ctx.team.slug } });
    // The secret is in no stored row but the sealed column, and never in what the body says.
    expect(got[0]!.body).not.toContain(secret!);
    expect(JSON.stringify(await db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } }))).not.toContain(secret!);
    const audit = await db.auditEvent.findMany({ where: { teamId: ctx.team.id, action: { startsWith: "webhook." } }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["webhook.created", "webhook.test_sent"]));
  });

  it("never shows the URL again (it may hold a credential), only its host", async () => {
    const path = `/ok/services/T0001/B0001/${randomBytes(12).toString("hex")}`;
    const { endpoint } = await wh.createWebhook(ctx, { name: "Slack-like", url: `${base}${path}`, events: ["execution.failed"], format: "slack" });
    expect(endpoint.host).toBe(new URL(base).host);
    expect(JSON.stringify(await wh.listWebhooks(ctx))).not.toContain(path.split("/").at(-1)!);
  });

  it("retries a failing receiver with exponential back-off until it answers 2xx", async () => {
    const path = uniquePath("/flaky");
    const { endpoint } = await wh.createWebhook(ctx, { name: "Flaky", url: `${base}${path}`, events: ["execution.failed"] });
    const d = await finished(await wh.sendTestWebhook(ctx, endpoint.id));
    expect(d).toMatchObject({ status: "delivered", attempts: 3, responseCode: 200 });
    const times = received.filter((r) => r.path === path).map((r) => r.at);
    expect(times).toHaveLength(3);
    // Back-off of 200 ms, then 400 ms (at least: the queue may be later, never earlier).
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(190);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(390);
  });

  it("gives up after the last attempt, with the answer's code, a sentence and a truncated body", async () => {
    const path = uniquePath("/down");
    const { endpoint } = await wh.createWebhook(ctx, { name: "Down", url: `${base}${path}`, events: ["execution.failed"] });
    const d = await finished(await wh.sendTestWebhook(ctx, endpoint.id));
    expect(d).toMatchObject({ status: "failed", attempts: 4, responseCode: 500, error: "The endpoint answered 500." });
    expect(d.responseBody!.length).toBeLessThanOrEqual(RESPONSE_BODY_LIMIT + 1);
    expect(d.responseBody!.endsWith("…")).toBe(true);
    expect(received.filter((r) => r.path === path)).toHaveLength(4);
    const job = await db.backgroundJob.findFirst({ where: { teamId: ctx.team.id, type: "webhooks.deliver", payload: { path: ["deliveryId"], equals: d.id } } });
    expect(job?.state).toBe("FAILED");
  });

  it("does not follow a redirect", async () => {
    const path = uniquePath("/redirect");
    const { endpoint } = await wh.createWebhook(ctx, { name: "Redirect", url: `${base}${path}`, events: ["execution.failed"], enabled: false });
    const row = await db.webhookDelivery.create({ data: { teamId: ctx.team.id, endpointId: endpoint.id, event: "webhook.test", dedupeKey: "redirect", body: "{}" } });
    await expect(deliverWebhook(row.id, { attempt: 1, maxAttempts: 1 })).rejects.toThrow(/302/);
    const d = await db.webhookDelivery.findUniqueOrThrow({ where: { id: row.id } });
    expect(d).toMatchObject({ status: "failed", responseCode: 302, error: "The endpoint answered 302 (a redirect, which is not followed)." });
    expect(received.some((r) => r.path === "/ok/after-redirect")).toBe(false);
  });

  it("signs with the new secret after a rotation", async () => {
    const path = uniquePath("/ok");
    const { endpoint } = await wh.createWebhook(ctx, { name: "After rotation", url: `${base}${path}`, events: ["execution.failed"] });
    const secret = await wh.rotateWebhookSecret(ctx);
    await finished(await wh.sendTestWebhook(ctx, endpoint.id));
    const got = received.find((r) => r.path === path)!;
    expect(wh.verifySignature(secret, String(got.headers["pystol-signature"]), got.body)).toBe(true);
  });
});

describe("address safety", () => {
  const strict = createAddressPolicy([], false);
  const resolveTo = (address: string) => async () => [{ address, family: 4 }];

  it("refuses http, private, loopback, link-local and metadata addresses when saving", async () => {
    expect(await checkEndpointUrl("http://example.com/hook", strict, resolveTo("93.184.216.34"))).toBe("Use an https:// URL: this installation does not send webhooks over plain http.");
    expect(await checkEndpointUrl("https://example.com/hook", strict, resolveTo("93.184.216.34"))).toBeNull();
    expect(await checkEndpointUrl("https://127.0.0.1/hook", strict)).toMatch(/^127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback address/);
    expect(await checkEndpointUrl("https://169.254.169.254/latest/meta-data", strict)).toMatch(/a link-local address \(where cloud metadata services answer\)/);
    expect(await checkEndpointUrl("https://[::ffff:10.0.0.1]/x", strict)).toMatch(/private address/);
    expect(await checkEndpointUrl("https://hooks.internal.example/x", strict, resolveTo("192.168.1.20"))).toBe(
      "hooks.internal.example resolves to 192.168.1.20, a private address: webhooks are only sent to public addresses.",
    );
    expect(await checkEndpointUrl("https://user:pw@example.com/", strict, resolveTo("93.184.216.34"))).toMatch(/user name or password/);
    expect(await checkEndpointUrl("ftp://example.com/", strict)).toBe("Use an https:// URL.");
    const err = await wh.createWebhook(ctx, { name: "Inside", url: "https://10.1.2.3/hook", events: ["execution.failed"] }, { policy: strict }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(wh.WebhookError);
    expect((err as InstanceType<typeof wh.WebhookError>).errors.url).toMatch(/10\.1\.2\.3, a private address/);
  });

  it("checks the resolved address again at delivery: a name that now points inward is refused, not retried", async () => {
    // Saved while it resolved to a public address; at delivery it resolves to loopback.
    const { endpoint } = await wh.createWebhook(ctx, { name: "Rebinding", url: "https://rebind.example.test/hook", events: ["execution.failed"], enabled: false }, { policy: strict, resolve: resolveTo("93.184.216.34") });
    const row = await db.webhookDelivery.create({ data: { teamId: ctx.team.id, endpointId: endpoint.id, event: "webhook.test", dedupeKey: "rebind", body: "{}" } });
    await expect(deliverWebhook(row.id, { attempt: 1, maxAttempts: 5, policy: strict, resolve: resolveTo("127.0.0.1") })).rejects.toThrow(/loopback/);
    const d = await db.webhookDelivery.findUniqueOrThrow({ where: { id: row.id } });
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/^Not delivered: The address 127\.0\.0\.1 is a loopback address.*PYSTOL_WEBHOOK_ALLOWED_CIDRS/);
    expect(d.responseCode).toBeNull();
  });
});

describe("formats", () => {
  it("builds a Slack incoming-webhook message with text and blocks, escaped", () => {
    const m = slackBody({
      id: "d1",
      event: "execution.failed",
      createdAt: "2026-12-07T00:00:00Z",
      team: { slug: "shop", name: "Shop <team>" },
      execution: { id: "e1", experiment: { id: "x1", name: "Cart & checkout" }, verdict: "FAILED", reason: "latency > 500 ms", score: 40, previousScore: 90, scheduled: true, finishedAt: null, url: "https://pystol.example/t/shop/experiments/x1/executions/e1" },
    });
    expect(m.text).toBe("Scheduled execution of “Cart & checkout” ended failed (score 40, previously 90).");
    expect(m.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "Scheduled execution of “Cart &amp; checkout” ended failed (score 40, previously 90)." } },
      { type: "section", text: { type: "mrkdwn", text: "*Why:* latency &gt; 500 ms" } },
      { type: "context", elements: [{ type: "mrkdwn", text: "Team *Shop &lt;team&gt;* · verdict *failed* · score *40* · <https://pystol.example/t/shop/experiments/x1/executions/e1|Open the execution>" }] },
    ]);
  });

  it("sends the Slack shape to a Slack endpoint", async () => {
    const path = uniquePath("/ok");
    const { endpoint } = await wh.createWebhook(ctx, { name: "Slack", url: `${base}${path}`, events: ["execution.failed"], format: "slack" });
    await finished(await wh.sendTestWebhook(ctx, endpoint.id));
    const body = JSON.parse(received.find((r) => r.path === path)!.body) as { text: string; blocks: { type: string }[] };
    expect(body.text).toMatch(/^Test notification from Pystol/);
    expect(body.blocks[0]!.type).toBe("section");
  });
});

describe("triggers", () => {
  it("a scheduled execution that fails: one delivery; a second call sends nothing more", async () => {
    const c = await ownerContext();
    const path = uniquePath("/ok");
    const { endpoint } = await wh.createWebhook(c, { name: "Failures", url: `${base}${path}`, events: ["execution.failed"] });
    const exp = await experimentIn(c);
    const schedule = await db.schedule.create({ data: { teamId: c.team.id, experimentId: exp.id, cron: "0 3 * * *", enabled: false } });
    const x = await execution(exp, "FAILED", 40, schedule.id);
    const ids = await notifyExecutionVerdict(x.id);
    expect(ids).toHaveLength(1);
    expect(await notifyExecutionVerdict(x.id)).toEqual([]);
    const d = await finished(ids[0]!);
    expect(d).toMatchObject({ status: "delivered", event: "execution.failed", executionId: x.id });
    const body = JSON.parse(received.find((r) => r.path === path)!.body) as { event: string; execution: Record<string, unknown> };
    expect(body.event).toBe("execution.failed");
    expect(body.execution).toMatchObject({ id: x.id, verdict: "FAILED", score: 40, scheduled: true, experiment: { id: exp.id, name: exp.name } });
    expect((await wh.listDeliveries(c, endpoint.id)).map((l) => l.event)).toEqual(["execution.failed"]);
  });

  it("a score that drops by the endpoint's points or more: one delivery; a manual passing one: none", async () => {
    const c = await ownerContext();
    const { endpoint } = await wh.createWebhook(c, { name: "Drops", url: `${base}${uniquePath("/ok")}`, events: ["execution.failed", "score.dropped"], scoreDropPoints: 15 });
    const exp = await experimentIn(c);
    await execution(exp, "PASSED", 90);
    const steady = await execution(exp, "PASSED", 90);
    expect(await notifyExecutionVerdict(steady.id)).toEqual([]);
    const small = await execution(exp, "PASSED", 80);
    expect(await notifyExecutionVerdict(small.id)).toEqual([]);
    const drop = await execution(exp, "PASSED", 60);
    const ids = await notifyExecutionVerdict(drop.id);
    expect(ids).toHaveLength(1);
    const d = await db.webhookDelivery.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(d).toMatchObject({ event: "score.dropped", endpointId: endpoint.id });
    expect(JSON.parse(d.body)).toMatchObject({ execution: { score: 60, previousScore: 80 } });
    // A manual execution that fails is not "a scheduled execution failed".
    const manualFail = await execution(exp, "FAILED", 55);
    expect(await notifyExecutionVerdict(manualFail.id)).toEqual([]);
  });

  it("the engine notifies when it writes a verdict: a scheduled execution halted before it started", async () => {
    const { requestExecutionStop } = await import("@/lib/experiments");
    const c = await ownerContext();
    const { endpoint } = await wh.createWebhook(c, { name: "Halts", url: `${base}${uniquePath("/ok")}`, events: ["execution.failed"] });
    const exp = await experimentIn(c);
    const schedule = await db.schedule.create({ data: { teamId: c.team.id, experimentId: exp.id, cron: "0 3 * * *", enabled: false } });
    const queued = await db.experimentExecution.create({ data: { teamId: c.team.id, experimentId: exp.id, clusterId: exp.clusterId, version: 1, definition: {}, scheduleId: schedule.id } });
    expect(await requestExecutionStop(c.team.id, queued.id, { name: "Grace", via: "halt" })).toBe("STOPPED");
    const d = await eventually("the halt's delivery", () => db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id, executionId: queued.id } }));
    expect(d.event).toBe("execution.failed");
    expect(JSON.parse(d.body)).toMatchObject({ execution: { verdict: "STOPPED", scheduled: true } });
  });

  it("every execution, when asked; nothing to paused endpoints", async () => {
    const c = await ownerContext();
    const all = await wh.createWebhook(c, { name: "All", url: `${base}${uniquePath("/ok")}`, events: ["execution.finished"] });
    const paused = await wh.createWebhook(c, { name: "Paused", url: `${base}${uniquePath("/ok")}`, events: ["execution.finished"], enabled: false });
    const exp = await experimentIn(c);
    const ids = await notifyExecutionVerdict((await execution(exp, "PASSED", 100)).id);
    expect(ids).toHaveLength(1);
    expect(await db.webhookDelivery.count({ where: { endpointId: all.endpoint.id } })).toBe(1);
    expect(await db.webhookDelivery.count({ where: { endpointId: paused.endpoint.id } })).toBe(0);
  });
});

describe("tenancy and trials", () => {
  it("another team sees none of the endpoints and cannot touch them", async () => {
    const { endpoint } = await wh.createWebhook(ctx, { name: "Ours", url: `${base}${uniquePath("/ok")}`, events: ["execution.failed"] });
    const other = await ownerContext();
    expect(await wh.listWebhooks(other)).toEqual([]);
    for (const attempt of [
      () => wh.getWebhook(other, endpoint.id),
      () => wh.updateWebhook(other, endpoint.id, { name: "Theirs" }),
      () => wh.deleteWebhook(other, endpoint.id),
      () => wh.sendTestWebhook(other, endpoint.id),
      () => wh.listDeliveries(other, endpoint.id),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: "not-found" });
    }
    expect((await wh.getWebhook(ctx, endpoint.id)).name).toBe("Ours");
  });

  it("trial teams cannot add webhooks or rotate a secret", async () => {
    const trial: TeamContext = { ...(await ownerContext()) };
    trial.team = { ...trial.team, isTrial: true };
    await expect(wh.createWebhook(trial, { name: "T", url: `${base}/ok`, events: ["execution.failed"] })).rejects.toMatchObject({ code: "trial" });
    await expect(wh.rotateWebhookSecret(trial)).rejects.toMatchObject({ code: "trial" });
  });

  it("edits and deletes with the audit log keeping what it was", async () => {
    const { endpoint } = await wh.createWebhook(ctx, { name: "Edit me", url: `${base}${uniquePath("/ok")}`, events: ["execution.failed"] });
    const bad = await wh.updateWebhook(ctx, endpoint.id, { events: [] }).catch((e: unknown) => e);
    expect((bad as InstanceType<typeof wh.WebhookError>).errors).toEqual({ events: "Choose at least one event." });
    const after = await wh.updateWebhook(ctx, endpoint.id, { name: "Edited", events: ["score.dropped"], scoreDropPoints: 5 });
    expect(after).toMatchObject({ name: "Edited", events: ["score.dropped"], scoreDropPoints: 5 });
    await wh.deleteWebhook(ctx, endpoint.id);
    await expect(wh.getWebhook(ctx, endpoint.id)).rejects.toMatchObject({ code: "not-found" });
    const audit = await db.auditEvent.findMany({ where: { teamId: ctx.team.id, targetId: endpoint.id }, orderBy: { id: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["webhook.created", "webhook.updated", "webhook.deleted"]);
  });
});
