import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/auth/create-account";
import { generateToken, hashToken } from "@/lib/crypto";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue";
import { closeRunQueue } from "@/lib/runs";
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
  const text = route.name === "events" && res.status === 200 ? "" : await res.text();
  if (route.name === "events" && res.status === 200) await res.body?.cancel();
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
});

afterAll(async () => {
  await closeRunQueue();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

describe("hostile input on every /api/v1 route: never a 5xx, never a stack trace", () => {
  it("in every path segment", async () => {
    for (const route of routes()) {
      for (const name of Object.keys(route.params)) {
        for (const value of HOSTILE_STRINGS) {
          expectCalm(`${route.method} ${route.name} ${name}=${JSON.stringify(value.slice(0, 30))}`, await send(route, { params: { [name]: value } }));
        }
      }
    }
  });

  it("in every query parameter", async () => {
    for (const route of routes().filter((r) => r.queryKeys)) {
      for (const key of route.queryKeys!) {
        for (const value of HOSTILE_STRINGS) {
          expectCalm(`${route.name} ?${key}=${JSON.stringify(value.slice(0, 30))}`, await send(route, { query: { [key]: value } }));
        }
      }
      expectCalm(`${route.name} ?\\0=1`, await send(route, { query: { "\u0000": "1" } }));
    }
  });

  it("in every JSON field, and as whole bodies", async () => {
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
      for (const body of HOSTILE_BODIES) {
        expectCalm(`${route.name} body ${JSON.stringify(body.slice(0, 30))}`, await send(route, { body }));
      }
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
