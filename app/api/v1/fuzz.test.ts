import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/auth/create-account";
import { generateToken, hashToken } from "@/lib/crypto";
import { db } from "@/lib/db";
import { closeApiTestStack } from "@/lib/api/testing";
import { createTestCluster, startTestSandbox, type Sandbox, type TestCluster } from "@/lib/runs/testing/harness";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { config as proxyConfig, proxy } from "@/proxy";
import * as openapi from "./openapi.json/route";
import * as tokenRoute from "./token/route";
import * as teamRoute from "./t/[slug]/route";
import * as actionRoute from "./t/[slug]/actions/[actionId]/route";
import * as actionsRoute from "./t/[slug]/actions/route";
import * as clusterRoute from "./t/[slug]/clusters/[clusterId]/route";
import * as clustersRoute from "./t/[slug]/clusters/route";
import * as abortRoute from "./t/[slug]/runs/[runId]/abort/route";
import * as eventsRoute from "./t/[slug]/runs/[runId]/events/route";
import * as logsRoute from "./t/[slug]/runs/[runId]/logs/route";
import * as runRoute from "./t/[slug]/runs/[runId]/route";
import * as runShareLinksRoute from "./t/[slug]/runs/[runId]/share-links/route";
import * as runsRoute from "./t/[slug]/runs/route";
import * as shareLinkRoute from "./t/[slug]/share-links/[linkId]/route";
import * as executionsRoute from "./t/[slug]/executions/route";
import * as executionRoute from "./t/[slug]/executions/[executionId]/route";
import * as executionAbortRoute from "./t/[slug]/executions/[executionId]/abort/route";
import * as executionEventsRoute from "./t/[slug]/executions/[executionId]/events/route";
import * as executionShareLinksRoute from "./t/[slug]/executions/[executionId]/share-links/route";
import * as reportsRoute from "./t/[slug]/reports/route";
import * as experimentsRoute from "./t/[slug]/experiments/route";
import * as experimentRoute from "./t/[slug]/experiments/[experiment]/route";
import * as experimentExecutionsRoute from "./t/[slug]/experiments/[experiment]/executions/route";
import * as experimentPlanRoute from "./t/[slug]/experiments/[experiment]/plan/route";
import * as experimentRunRoute from "./t/[slug]/experiments/[experiment]/run/route";
import * as experimentVersionsRoute from "./t/[slug]/experiments/[experiment]/versions/route";
import * as webhooksRoute from "./t/[slug]/webhooks/route";
import * as webhookRoute from "./t/[slug]/webhooks/[webhookId]/route";
import * as webhookDeliveriesRoute from "./t/[slug]/webhooks/[webhookId]/deliveries/route";
import * as webhookTestRoute from "./t/[slug]/webhooks/[webhookId]/test/route";
import * as webhookSecretRoute from "./t/[slug]/webhooks/secret/route";
import * as experimentApplyRoute from "./t/[slug]/experiments/apply/route";
import * as experimentExportRoute from "./t/[slug]/experiments/[experiment]/export/route";

// Every /api/v1 route, fed a corpus of hostile values in each path segment, query parameter and
// JSON field, the way a request reaches it: through proxy.ts, then the route handler, against
// the real database, queue and sandbox cluster. Nothing may answer 5xx or show a stack trace.

type Handler = (req: NextRequest, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

const HOSTILE_STRINGS: string[] = [
  "\u0000",
  "run\u0000id",
  "%00",
  "x".repeat(20_000),
  "../../../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "' OR '1'='1' --",
  "'; DROP TABLE \"Run\"; --",
  "\\",
  "\"}",
  "\u202etxt.exe",
  "\ud800",
  "🧨💥",
  "ＡＢＣ１２３",
  "\u200b\u200d\ufeff",
  "e\u0301",
  "<script>alert(1)</script>",
  "${jndi:ldap://127.0.0.1/x}",
  "{{7*7}}",
  "",
  " ",
  "-1",
  "1e309",
  "NaN",
  "http://169.254.169.254/latest/meta-data/",
];

const WRONG_TYPES: unknown[] = [null, 0, -1, 1e308, true, [], {}, [1, 2], { a: { b: "\u0000" } }, "x".repeat(5000)];

function deepJson(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

const HOSTILE_BODIES: string[] = [
  "\u0000",
  '{"a":"\\u0000"}',
  '{"\\u0000":1}',
  deepJson(100_000).slice(0, 200_000),
  `{"params":${deepJson(50)}}`,
  "[]",
  "null",
  "42",
  '"string"',
  "{",
  "\ud800",
  JSON.stringify({ x: "y".repeat(300 * 1024) }),
];

interface Route {
  name: string;
  handler: Handler;
  method: string;
  params: Record<string, string>;
  queryKeys?: string[];
  bodyFields?: Record<string, unknown>;
}

let sb: Sandbox;
let c: TestCluster;
let slug: string;
let token: string;
let runId: string;
let linkId: string;
let experimentId: string;
let executionId: string;

const definition = {
  stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
  checks: [{ name: "cart replicas", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 1 } }],
};

function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

async function send(route: Route, opts: { params?: Record<string, string>; query?: Record<string, string>; body?: string; authorization?: string }) {
  // A URL cannot carry a lone surrogate; what arrives instead is its replacement character.
  const params = Object.fromEntries(Object.entries({ ...route.params, ...opts.params }).map(([k, v]) => [k, wellFormed(v)]));
  const path = Object.values(params).map(encodeURIComponent).join("/");
  const url = new URL(`http://localhost/api/v1/t/${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, wellFormed(v));
  const init = {
    method: route.method,
    headers: { authorization: opts.authorization ?? `Bearer ${token}`, "content-type": "application/json" },
    body: opts.body,
  };
  // proxy.ts first where its matcher says Next.js runs it; only a request it lets through
  // reaches the handler.
  const runsProxy = unstable_doesMiddlewareMatch({ config: proxyConfig, url: url.toString() });
  const early = runsProxy ? await proxy(new NextRequest(url, init)) : null;
  const passes = !early || early.headers.get("x-middleware-next");
  const res = passes ? await route.handler(new NextRequest(url, init), { params: Promise.resolve(params) }) : early;
  const streams = route.name.endsWith("events") && res.status === 200;
  const text = streams ? "" : await res.text();
  if (streams) await res.body?.cancel();
  return { status: res.status, text };
}

function expectCalm(what: string, r: { status: number; text: string }) {
  expect(r.status, `${what} answered ${r.status}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  expect(r.text, what).not.toMatch(/\n\s+at |node_modules|\.tsx?:\d+|Prisma|Invalid `|SQLSTATE|22021/);
  if (r.status >= 400 && r.text) {
    const body = JSON.parse(r.text) as { error?: { message?: string } };
    expect(body.error?.message, what).toMatch(/\w+ \w+/);
  }
}

function routes(): Route[] {
  const s = { slug };
  return [
    { name: "team", handler: teamRoute.GET, method: "GET", params: s },
    { name: "actions", handler: actionsRoute.GET, method: "GET", params: s },
    { name: "action", handler: actionRoute.GET, method: "GET", params: { ...s, actionId: "pod-kill" } },
    { name: "clusters", handler: clustersRoute.GET, method: "GET", params: s },
    { name: "cluster", handler: clusterRoute.GET, method: "GET", params: { ...s, clusterId: c.clusterId } },
    { name: "runs", handler: runsRoute.GET, method: "GET", params: s, queryKeys: ["state", "action", "cluster", "limit", "before", "other"] },
    {
      name: "start run",
      handler: runsRoute.POST,
      method: "POST",
      params: s,
      bodyFields: { action: "pod-kill", cluster: c.clusterId, params: { namespace: "shop", labelSelector: "app=cart", count: 1 }, dryRun: true },
    },
    { name: "run", handler: runRoute.GET, method: "GET", params: { ...s, runId } },
    { name: "logs", handler: logsRoute.GET, method: "GET", params: { ...s, runId }, queryKeys: ["after", "limit", "other"] },
    { name: "events", handler: eventsRoute.GET, method: "GET", params: { ...s, runId: "no-such-run" }, queryKeys: ["after"] },
    { name: "abort", handler: abortRoute.POST, method: "POST", params: { ...s, runId } },
    { name: "abort (GET)", handler: abortRoute.GET, method: "GET", params: { ...s, runId } },
    { name: "share links", handler: runShareLinksRoute.GET, method: "GET", params: { ...s, runId } },
    { name: "create share link", handler: runShareLinksRoute.POST, method: "POST", params: { ...s, runId }, bodyFields: { expiry: "1d" } },
    { name: "share link", handler: shareLinkRoute.GET, method: "GET", params: { ...s, linkId } },
    { name: "revoke share link", handler: shareLinkRoute.DELETE, method: "DELETE", params: { ...s, linkId: "no-such-link" } },
    { name: "experiments", handler: experimentsRoute.GET, method: "GET", params: s },
    { name: "create experiment", handler: experimentsRoute.POST, method: "POST", params: s, bodyFields: { name: "fuzzed", cluster: c.clusterId, definition } },
    { name: "plan unsaved experiment", handler: experimentsRoute.POST, method: "POST", params: s, bodyFields: { cluster: c.clusterId, definition, dryRun: true } },
    { name: "experiment", handler: experimentRoute.GET, method: "GET", params: { ...s, experiment: experimentId } },
    { name: "update experiment", handler: experimentRoute.PUT, method: "PUT", params: { ...s, experiment: experimentId }, bodyFields: { definition, expectedVersion: 1 } },
    { name: "delete experiment", handler: experimentRoute.DELETE, method: "DELETE", params: { ...s, experiment: "no-such-experiment" } },
    { name: "apply experiment file", handler: experimentApplyRoute.PUT, method: "PUT", params: s, queryKeys: ["dryRun", "other"] },
    { name: "apply experiment file (GET)", handler: experimentApplyRoute.GET, method: "GET", params: s },
    { name: "export experiment", handler: experimentExportRoute.GET, method: "GET", params: { ...s, experiment: experimentId }, queryKeys: ["format", "other"] },
    { name: "experiment versions", handler: experimentVersionsRoute.GET, method: "GET", params: { ...s, experiment: experimentId } },
    { name: "plan experiment", handler: experimentPlanRoute.POST, method: "POST", params: { ...s, experiment: experimentId } },
    { name: "run experiment", handler: experimentRunRoute.POST, method: "POST", params: { ...s, experiment: experimentId }, bodyFields: { confirm: "fuzz", planSeed: "fuzz-seed-1" } },
    { name: "experiment executions", handler: experimentExecutionsRoute.GET, method: "GET", params: { ...s, experiment: experimentId }, queryKeys: ["state", "limit", "before", "other"] },
    { name: "executions", handler: executionsRoute.GET, method: "GET", params: s, queryKeys: ["state", "experiment", "limit", "before", "other"] },
    { name: "execution", handler: executionRoute.GET, method: "GET", params: { ...s, executionId } },
    { name: "execution events", handler: executionEventsRoute.GET, method: "GET", params: { ...s, executionId: "no-such-execution" }, queryKeys: ["since"] },
    { name: "abort execution", handler: executionAbortRoute.POST, method: "POST", params: { ...s, executionId: "no-such-execution" } },
    { name: "execution share links", handler: executionShareLinksRoute.GET, method: "GET", params: { ...s, executionId } },
    { name: "report", handler: reportsRoute.GET, method: "GET", params: s, queryKeys: ["format", "execution", "experiment", "from", "to", "other"] },
    { name: "create execution share link", handler: executionShareLinksRoute.POST, method: "POST", params: { ...s, executionId }, bodyFields: { expiry: "1d" } },
    // Webhooks need team:update, which no token scope grants: each answers 403 here, calmly.
    { name: "webhooks", handler: webhooksRoute.GET, method: "GET", params: s },
    { name: "create webhook", handler: webhooksRoute.POST, method: "POST", params: s, bodyFields: { name: "fuzz", url: "https://example.com/hook", events: ["execution.failed"], format: "generic", scoreDropPoints: 10 } },
    { name: "webhook", handler: webhookRoute.GET, method: "GET", params: { ...s, webhookId: "no-such-webhook" } },
    { name: "update webhook", handler: webhookRoute.PATCH, method: "PATCH", params: { ...s, webhookId: "no-such-webhook" }, bodyFields: { name: "fuzz", enabled: false } },
    { name: "delete webhook", handler: webhookRoute.DELETE, method: "DELETE", params: { ...s, webhookId: "no-such-webhook" } },
    { name: "webhook deliveries", handler: webhookDeliveriesRoute.GET, method: "GET", params: { ...s, webhookId: "no-such-webhook" }, queryKeys: ["limit"] },
    { name: "test webhook", handler: webhookTestRoute.POST, method: "POST", params: { ...s, webhookId: "no-such-webhook" } },
    { name: "rotate webhook secret", handler: webhookSecretRoute.POST, method: "POST", params: s },
    { name: "test webhook (GET)", handler: webhookTestRoute.GET, method: "GET", params: { ...s, webhookId: "no-such-webhook" } },
    { name: "rotate webhook secret (GET)", handler: webhookSecretRoute.GET, method: "GET", params: s },
  ];
}

beforeAll(async () => {
  sb = await startTestSandbox();
  c = await createTestCluster(sb);
  slug = (await db.team.findUniqueOrThrow({ where: { id: c.teamId } })).slug;
  const { userId } = await createAccount({ name: "Fuzz", email: `${randomUUID()}@example.test`, password: "correct horse battery" }, { ip: null, userAgent: null });
  await db.membership.create({ data: { teamId: c.teamId, userId, role: "ADMIN" } });
  token = generateToken("pst");
  await db.apiToken.create({ data: { teamId: c.teamId, name: "fuzz", prefix: token.slice(0, 8), tokenHash: hashToken(token), createdById: userId, scopes: ["run"] } });
  const run = await runsRoute.POST(
    new NextRequest("http://localhost/api/v1/t/x/runs", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "pod-kill", cluster: c.clusterId, params: { namespace: "shop", labelSelector: "app=cart", count: 1 }, dryRun: true }),
    }),
    { params: Promise.resolve({ slug }) },
  );
  expect(run.status).toBe(201);
  runId = ((await run.json()) as { run: { id: string } }).run.id;
  const link = await runShareLinksRoute.POST(
    new NextRequest("http://localhost/api/v1/t/x/runs/x/share-links", { method: "POST", headers: { authorization: `Bearer ${token}` }, body: "{}" }),
    { params: Promise.resolve({ slug, runId }) },
  );
  linkId = ((await link.json()) as { shareLink: { id: string } }).shareLink.id;
  const post = (body: unknown) => ({ method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const experiment = await experimentsRoute.POST(new NextRequest("http://localhost/api/v1/t/x/experiments", post({ name: "fuzz target", cluster: c.clusterId, definition })), {
    params: Promise.resolve({ slug }),
  });
  expect(experiment.status).toBe(201);
  experimentId = ((await experiment.json()) as { experiment: { id: string } }).experiment.id;
  // A queued execution (no worker takes it here), then aborted: one to read, share and list.
  const execution = await experimentRunRoute.POST(new NextRequest("http://localhost/api/v1/t/x/experiments/x/run", post({})), { params: Promise.resolve({ slug, experiment: experimentId }) });
  expect(execution.status).toBe(202);
  executionId = ((await execution.json()) as { execution: { id: string } }).execution.id;
  const aborted = await executionAbortRoute.POST(new NextRequest("http://localhost/api/v1/t/x/executions/x/abort", post({})), { params: Promise.resolve({ slug, executionId }) });
  expect(aborted.status).toBe(200);
});

afterAll(() => closeApiTestStack(sb));

describe("hostile input on every /api/v1 route: never a 5xx, never a stack trace", () => {
  // Hundreds of requests each, some planned against the sandbox: bounded by their count, not by a clock.
  it("in every path segment", { timeout: 900_000 }, async () => {
    for (const route of routes()) {
      for (const name of Object.keys(route.params)) {
        for (const value of HOSTILE_STRINGS) {
          expectCalm(`${route.method} ${route.name} ${name}=${JSON.stringify(value.slice(0, 30))}`, await send(route, { params: { [name]: value } }));
        }
      }
    }
  });

  it("in every query parameter", { timeout: 900_000 }, async () => {
    for (const route of routes().filter((r) => r.queryKeys)) {
      for (const key of route.queryKeys!) {
        for (const value of HOSTILE_STRINGS) {
          expectCalm(`${route.name} ?${key}=${JSON.stringify(value.slice(0, 30))}`, await send(route, { query: { [key]: value } }));
        }
      }
      expectCalm(`${route.name} ?\\0=1`, await send(route, { query: { "\u0000": "1" } }));
    }
  });

  it("in every JSON field, and as whole bodies", { timeout: 900_000 }, async () => {
    for (const route of routes().filter((r) => r.method !== "GET")) {
      const fields = route.bodyFields ?? {};
      for (const field of [...Object.keys(fields), "unexpected"]) {
        for (const value of [...HOSTILE_STRINGS, ...WRONG_TYPES]) {
          const body = JSON.stringify({ ...fields, [field]: value });
          expectCalm(`${route.name} ${field}=${JSON.stringify(value)?.slice(0, 30)}`, await send(route, { body }));
        }
      }
      if (fields.params) {
        for (const value of HOSTILE_STRINGS) {
          for (const param of ["namespace", "labelSelector", "count", value]) {
            const body = JSON.stringify({ ...fields, params: { ...(fields.params as object), [param]: value } });
            expectCalm(`${route.name} params.${param.slice(0, 20)}=${JSON.stringify(value.slice(0, 30))}`, await send(route, { body }));
          }
        }
      }
      // The definition's own fields once, through the dry run: saving and updating read it with the same schema.
      if (fields.definition && fields.dryRun) {
        const d = fields.definition as typeof definition;
        for (const value of [...HOSTILE_STRINGS, ...WRONG_TYPES]) {
          for (const key of ["description", "stages", "checks", "recoveryWindowSeconds", "maxDurationSeconds", "unexpected"]) {
            const body = JSON.stringify({ ...fields, definition: { ...d, [key]: value } });
            expectCalm(`${route.name} definition.${key}=${JSON.stringify(value)?.slice(0, 30)}`, await send(route, { body }));
          }
          const fault = { ...d.stages[0]!.faults[0]!, params: { ...d.stages[0]!.faults[0]!.params, namespace: value } };
          const inFault = JSON.stringify({ ...fields, definition: { ...d, stages: [{ ...d.stages[0]!, faults: [fault] }] } });
          expectCalm(`${route.name} fault params.namespace=${JSON.stringify(value)?.slice(0, 30)}`, await send(route, { body: inFault }));
          const check = { ...d.checks[0]!, check: { ...d.checks[0]!.check, name: value } };
          const inCheck = JSON.stringify({ ...fields, definition: { ...d, checks: [check] } });
          expectCalm(`${route.name} check name=${JSON.stringify(value)?.slice(0, 30)}`, await send(route, { body: inCheck }));
        }
      }
      for (const body of HOSTILE_BODIES) {
        expectCalm(`${route.name} body ${JSON.stringify(body.slice(0, 30))}`, await send(route, { body }));
      }
    }
  });

  it("in every field of an applied experiment file, as JSON and as YAML", { timeout: 900_000 }, async () => {
    const apply = routes().find((r) => r.name === "apply experiment file")!;
    const base = { apiVersion: "pystol.io/v1", kind: "Experiment", metadata: { name: "fuzzed file", cluster: c.clusterId }, spec: definition };
    for (const value of [...HOSTILE_STRINGS, ...WRONG_TYPES]) {
      const variants = [
        { ...base, metadata: { ...base.metadata, name: value } },
        { ...base, metadata: { ...base.metadata, cluster: value } },
        { ...base, apiVersion: value },
        { ...base, spec: { ...definition, stages: value } },
        { ...base, spec: { ...definition, stages: [{ ...definition.stages[0]!, faults: [{ ...definition.stages[0]!.faults[0]!, actionId: value }] }] } },
      ];
      for (const file of variants) {
        const json = JSON.stringify(file);
        expectCalm(`apply JSON ${json.slice(0, 60)}`, await send(apply, { body: json, query: { dryRun: "true" } }));
        // The same as YAML: a flow mapping, with the value as a plain scalar where it can be one.
        const yaml = `apiVersion: pystol.io/v1\nkind: Experiment\nmetadata:\n  name: ${typeof value === "string" ? value : JSON.stringify(value)}\nspec: ${JSON.stringify(definition)}\n`;
        expectCalm(`apply YAML name ${JSON.stringify(value)?.slice(0, 30)}`, await send(apply, { body: yaml, query: { dryRun: "true" } }));
      }
    }
    for (const yaml of ["a: &a [*a]", "? [a, b]\n: c", "!!binary aGVsbG8=", "%YAML 1.1\n---\nx: 1", "---\n---\n", "x: !!js/function 'function(){}'", "a: 1\na: 2", "[".repeat(5000)]) {
      expectCalm(`apply YAML ${JSON.stringify(yaml.slice(0, 30))}`, await send(apply, { body: yaml, query: { dryRun: "true" } }));
    }
  });

  it("in the credentials and on the routes outside a team", async () => {
    for (const value of ["pst_\u0000", "pst_' OR 1=1 --", `pst_${"x".repeat(10_000)}`, "\ud800", "Bearer"]) {
      const safe = value.replace(/[^\x20-\x7e]/g, "?");
      expectCalm(`token route ${safe.slice(0, 30)}`, await send({ name: "token", handler: (req) => tokenRoute.GET(req), method: "GET", params: {} }, { authorization: `Bearer ${safe}` }));
      expectCalm(`team route token ${safe.slice(0, 30)}`, await send(routes()[0]!, { authorization: `Bearer ${safe}` }));
    }
    const doc = await openapi.GET();
    expect(doc.status).toBe(200);
  });

  it("answers a NUL with a 400 that names the problem, at every layer", async () => {
    const [team, , , , , runs, start] = routes();
    const inPath = await send(team!, { params: { slug: "a\u0000b" } });
    expect(inPath.status).toBe(400);
    expect(JSON.parse(inPath.text)).toMatchObject({ error: { code: "invalid_request", message: expect.stringMatching(/NUL character/) } });
    expect((await send(runs!, { query: { cluster: "\u0000" } })).status).toBe(400);
    const inBody = await send(start!, { body: JSON.stringify({ ...start!.bodyFields, params: { namespace: "sh\u0000op" } }) });
    expect(inBody.status).toBe(400);
    expect(JSON.parse(inBody.text)).toMatchObject({ error: { message: 'The field "params.namespace" contains a NUL character (\\u0000), which no field accepts.' } });
    const deep = await send(start!, { body: `{"params":${deepJson(40)}}` });
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text)).toMatchObject({ error: { message: "The request body nests deeper than 32 levels." } });
  });
});
