import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/lib/crypto";
import { db } from "@/lib/db";
import type { TestCluster } from "@/lib/runs/testing/harness";
import { getSharedRun } from "@/lib/share";
import { apiToken, startApiTestStack, type ApiTestStack } from "@/lib/api/testing";
import * as openapi from "./openapi.json/route";
import * as tokenRoute from "./token/route";
import * as actionsRoute from "./t/[slug]/actions/route";
import * as clusterRoute from "./t/[slug]/clusters/[clusterId]/route";
import * as clustersRoute from "./t/[slug]/clusters/route";
import * as abortRoute from "./t/[slug]/runs/[runId]/abort/route";
import * as logsRoute from "./t/[slug]/runs/[runId]/logs/route";
import * as runRoute from "./t/[slug]/runs/[runId]/route";
import * as shareLinksRoute from "./t/[slug]/runs/[runId]/share-links/route";
import * as runsRoute from "./t/[slug]/runs/route";
import * as shareLinkRoute from "./t/[slug]/share-links/[linkId]/route";

// The REST API's route handlers called as Next.js calls them, with bearer API tokens, against
// the real database, Redis queue and sandbox cluster.

let stack: ApiTestStack;
let c: TestCluster;
let slug: string;
let otherSlug: string;
let runToken: string;
let readToken: string;
let otherToken: string;
const call: ApiTestStack["call"] = (...args) => stack.call(...args);

const podKill = { namespace: "shop", labelSelector: "app=cart", count: 1 };

beforeAll(async () => {
  stack = await startApiTestStack("Api User");
  ({ c, slug, otherSlug, runToken, readToken, otherToken } = stack);
});

afterAll(() => stack.close());

describe("clusters and actions", () => {
  it("lists the team's clusters and finds one by id or name, never another team's", async () => {
    const list = await call(clustersRoute.GET, { slug });
    expect(list.status).toBe(200);
    expect(list.body.clusters).toEqual([expect.objectContaining({ id: c.clusterId, name: "sandbox", kind: "SANDBOX" })]);
    expect(JSON.stringify(list.body)).not.toMatch(/kubeconfig|ciphertext/i);
    expect((await call(clusterRoute.GET, { slug, clusterId: "sandbox" })).body.cluster.id).toBe(c.clusterId);
    expect(await call(clusterRoute.GET, { slug: otherSlug, clusterId: c.clusterId }, { token: otherToken })).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    // A valid token of team A aimed at team B's URL: the same 404 as an unknown team.
    expect(await call(clustersRoute.GET, { slug: otherSlug })).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await call(clustersRoute.GET, { slug }, { token: "pst_nope" })).toMatchObject({ status: 401, body: { error: { code: "unauthenticated" } } });
  });

  it("lists actions with their parameter JSON Schema", async () => {
    const { body } = await call(actionsRoute.GET, { slug }, { token: readToken });
    const kill = body.actions.find((a: { id: string }) => a.id === "pod-kill");
    expect(kill.paramsSchema).toMatchObject({ type: "object", properties: { namespace: { type: "string" }, labelSelector: { type: "string" } } });
    expect(kill.paramsSchema.required).toEqual(expect.arrayContaining(["namespace", "labelSelector"]));
  });
});

describe("runs", () => {
  it("records a dry run with its plan and changes nothing", async () => {
    const res = await call(runsRoute.POST, { slug }, { method: "POST", body: { action: "pod-kill", cluster: "sandbox", params: podKill, dryRun: true } });
    expect(res.status).toBe(201);
    expect(res.body.run).toMatchObject({ state: "SUCCEEDED", dryRun: true, finished: true, cluster: { name: "sandbox" } });
    expect(res.body.plan.targets).toHaveLength(1);
    const audit = await db.auditEvent.findFirst({ where: { teamId: c.teamId, action: "run.dry_run", targetId: res.body.run.id } });
    expect(audit?.actorTokenId).not.toBeNull();
    // It is kept (its id answers, with its plan) but it ran nothing: no run list shows it.
    expect((await call(runRoute.GET, { slug, runId: res.body.run.id })).body.run).toMatchObject({ id: res.body.run.id, dryRun: true });
    const listed = await call(runsRoute.GET, { slug }, { query: "limit=100" });
    expect(listed.status).toBe(200);
    expect(listed.body.runs.map((r: { id: string }) => r.id)).not.toContain(res.body.run.id);
    expect(listed.body.runs.filter((r: { dryRun: boolean }) => r.dryRun)).toEqual([]);
  });

  it("lets a read token dry-run (the plan changes nothing) but not start a run", async () => {
    const dry = await call(runsRoute.POST, { slug }, { method: "POST", token: readToken, body: { action: "pod-kill", cluster: "sandbox", params: podKill, dryRun: true } });
    expect(dry.status).toBe(201);
    expect(dry.body.run).toMatchObject({ dryRun: true, finished: true });
    expect(dry.body.plan.targets).toHaveLength(1);
    for (const body of [{ action: "pod-kill", cluster: "sandbox", params: podKill }, { action: "pod-kill", cluster: "sandbox", params: podKill, dryRun: false }, { action: "pod-kill", cluster: "sandbox", params: podKill, dryRun: "true" }]) {
      expect(await call(runsRoute.POST, { slug }, { method: "POST", token: readToken, body })).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    }
    const readTokenId = (await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(readToken) } })).id;
    expect(await db.run.count({ where: { teamId: c.teamId, apiTokenId: readTokenId, dryRun: false } })).toBe(0);
  });

  it("validates every input and answers refusals with a code", async () => {
    const post = (body: unknown, token = runToken) => call(runsRoute.POST, { slug }, { method: "POST", body, token });
    expect(await post("{not json")).toMatchObject({ status: 400, body: { error: { code: "invalid_json" } } });
    const missing = await post({ action: "pod-kill" });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    expect(missing.body.error.issues[0].path).toBe("cluster");
    expect(await post({ action: "pod-kill", cluster: "sandbox", params: podKill, extra: 1 })).toMatchObject({ status: 400 });
    expect(await post({ action: "pod-kill", cluster: "nowhere", params: podKill })).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await post({ action: "no-such", cluster: "sandbox", params: {} })).toMatchObject({ status: 404, body: { error: { code: "unknown_action" } } });
    expect(await post({ action: "pod-kill", cluster: "sandbox", params: { namespace: "shop" } })).toMatchObject({ status: 400, body: { error: { code: "invalid_params" } } });
    expect(await post({ action: "pod-kill", cluster: "sandbox", params: { namespace: "kube-system", labelSelector: "app=coredns" } })).toMatchObject({
      status: 422,
      body: { error: { code: "protected_namespace" } },
    });
    expect(await post({ action: "pod-kill", cluster: "sandbox", params: { namespace: "shop", labelSelector: "app=none" } })).toMatchObject({ status: 422, body: { error: { code: "empty_selection" } } });
    // A read-only token may look but not start.
    expect(await post({ action: "pod-kill", cluster: "sandbox", params: podKill }, readToken)).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
  });

  it("says what is wrong with bad input in sentences about the field, never in validator texts", async () => {
    const post = (body: unknown) => call(runsRoute.POST, { slug }, { method: "POST", body, token: runToken });
    const big = await post({ action: "pod-kill", cluster: "sandbox", params: { ...podKill, count: 50_000 } });
    expect(big).toMatchObject({ status: 400, body: { error: { code: "invalid_params", message: "Pods to kill per round: enter a number no larger than 10000." } } });
    const missing = await post({ action: "pod-kill", cluster: "sandbox", params: { labelSelector: "app=cart" } });
    expect(missing.body.error.message).toBe("Namespace: this field is required.");
    const body = await post({ action: "pod-kill" });
    expect(body.body.error.message).toBe("The request body was not accepted. cluster: this field is required.");
    const ns = await post({ action: "pod-kill", cluster: "sandbox", params: { namespace: "shpo", labelSelector: "app=cart" } });
    expect(ns).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(ns.body.error.message).toMatch(/^There is no namespace "shpo" in this cluster\. Did you mean shop\?/);
    const bad = await post({ action: "pod-kill", cluster: "sandbox", params: { namespace: "shop", labelSelector: "app=cart=1" } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_params" } } });
    expect(bad.body.error.message).toMatch(/^The label selector "app=cart=1" is not valid/);
  });

  it("starts, lists with filters, gets, and aborts a run; logs and 405 in JSON", async () => {
    const earlier = await call(runsRoute.POST, { slug }, { method: "POST", body: { action: "pod-kill", cluster: c.clusterId, params: podKill } });
    expect(earlier.status).toBe(201);
    const created = await call(runsRoute.POST, { slug }, { method: "POST", body: { action: "pod-kill", cluster: c.clusterId, params: podKill } });
    expect(created.status).toBe(201);
    const id = created.body.run.id as string;
    expect(created.body.run).toMatchObject({ state: "QUEUED", finished: false });

    const queued = await call(runsRoute.GET, { slug }, { token: readToken, query: "state=queued&action=pod-kill&limit=5" });
    expect(queued.body.runs.map((r: { id: string }) => r.id)).toContain(id);
    const none = await call(runsRoute.GET, { slug }, { query: "state=failed" });
    expect(none.body.runs.map((r: { id: string }) => r.id)).not.toContain(id);
    expect(await call(runsRoute.GET, { slug }, { query: "state=bogus" })).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    expect(await call(runsRoute.GET, { slug }, { query: "limit=1000" })).toMatchObject({ status: 400 });
    const page1 = await call(runsRoute.GET, { slug }, { query: "limit=1" });
    expect(page1.body.runs).toHaveLength(1);
    const page2 = await call(runsRoute.GET, { slug }, { query: `limit=1&before=${page1.body.next}` });
    expect(page2.body.runs[0].id).not.toBe(page1.body.runs[0].id);

    const got = await call(runRoute.GET, { slug, runId: id }, { token: readToken });
    expect(got.body).toMatchObject({ run: { id, action: "pod-kill" }, steps: [] });
    expect((await call(logsRoute.GET, { slug, runId: id })).body).toEqual({ logs: [] });
    expect(await call(runRoute.GET, { slug: otherSlug, runId: id }, { token: otherToken })).toMatchObject({ status: 404 });

    expect(await call(abortRoute.POST, { slug, runId: id }, { token: readToken, method: "POST" })).toMatchObject({ status: 403 });
    expect(await call(abortRoute.GET, { slug, runId: id })).toMatchObject({ status: 405, body: { error: { code: "method_not_allowed" } } });
    const aborted = await call(abortRoute.POST, { slug, runId: id }, { method: "POST" });
    expect(aborted).toMatchObject({ status: 200, body: { run: { id, state: "CANCELLED", finished: true } } });
    expect(await db.auditEvent.count({ where: { teamId: c.teamId, action: "run.abort_requested", targetId: id } })).toBe(1);
    // The run says who stopped it.
    expect(aborted.body.run.error).toMatch(/^cancelled before it started: aborted by /);
    expect((await call(abortRoute.POST, { slug, runId: earlier.body.run.id }, { method: "POST" })).status).toBe(200);
  });
});

describe("share links", () => {
  it("creates a link shown once, lists it without its token, revokes it", async () => {
    const run = await db.run.findFirstOrThrow({ where: { teamId: c.teamId } });
    expect(await call(shareLinksRoute.POST, { slug, runId: run.id }, { method: "POST", body: { expiry: "1y" } })).toMatchObject({ status: 400 });
    expect(await call(shareLinksRoute.POST, { slug, runId: run.id }, { method: "POST", token: readToken, body: {} })).toMatchObject({ status: 403 });
    const created = await call(shareLinksRoute.POST, { slug, runId: run.id }, { method: "POST", body: { expiry: "30d" } });
    expect(created.status).toBe(201);
    const url = created.body.shareLink.url as string;
    const token = url.split("/r/")[1]!;
    expect(await getSharedRun(token)).not.toBeNull();

    const listed = await call(shareLinksRoute.GET, { slug, runId: run.id }, { token: readToken });
    expect(listed.body.shareLinks[0]).toMatchObject({ id: created.body.shareLink.id, live: true });
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const linkId = created.body.shareLink.id as string;
    expect(await call(shareLinkRoute.DELETE, { slug: otherSlug, linkId }, { token: otherToken, method: "DELETE" })).toMatchObject({ status: 404 });
    expect(await getSharedRun(token)).not.toBeNull();
    const revoked = await call(shareLinkRoute.DELETE, { slug, linkId }, { method: "DELETE" });
    expect(revoked.body.shareLink).toMatchObject({ live: false });
    expect(await getSharedRun(token)).toBeNull();
    expect((await call(shareLinkRoute.GET, { slug, linkId })).body.shareLink.revokedAt).not.toBeNull();
  });
});

describe("token", () => {
  const whoami = async (authorization?: string) => {
    const res = await tokenRoute.GET(new NextRequest("http://localhost/api/v1/token", { headers: authorization ? { authorization } : {} }));
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it("names the team and role of a live token, and refuses anything else with 401", async () => {
    expect(await whoami(`Bearer ${readToken}`)).toEqual({ status: 200, body: { team: { slug, name: slug }, role: "MEMBER" } });
    expect((await whoami(`Bearer ${otherToken}`)).body.team.slug).toBe(otherSlug);
    expect((await whoami()).status).toBe(401);
    expect((await whoami("Bearer pst_not-a-token")).body.error.code).toBe("unauthenticated");
    expect((await whoami("Bearer nope")).status).toBe(401);

    const team = await db.team.findUniqueOrThrow({ where: { slug } });
    const member = await db.membership.findFirstOrThrow({ where: { teamId: team.id, role: "MEMBER" } });
    const revoked = await apiToken(team.id, member.userId, ["read"]);
    await db.apiToken.update({ where: { tokenHash: hashToken(revoked) }, data: { revokedAt: new Date() } });
    expect((await whoami(`Bearer ${revoked}`)).status).toBe(401);
  });
});

describe("openapi.json", () => {
  it("documents every route with the request schemas the handlers use", async () => {
    const doc = (await openapi.GET().json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/token", "/api/v1/t/{slug}/runs", "/api/v1/t/{slug}/runs/{runId}/abort", "/api/v1/t/{slug}/share-links/{linkId}"]));
    const create = doc.components.schemas.CreateRun;
    expect(create.required).toEqual(["action", "cluster"]);
    expect(create.additionalProperties).toBe(false);
    expect(doc.components.schemas["params.pod-kill"].properties.labelSelector).toBeTruthy();
    expect(doc.paths["/api/v1/t/{slug}/runs"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["state", "action", "cluster", "limit", "before"]);
    expect(doc.components.schemas.CreateExperiment.required).toEqual(["cluster", "definition"]);
    expect(doc.components.schemas.ExperimentDefinition.properties.stages).toBeTruthy();
    expect(doc.paths["/api/v1/t/{slug}/executions"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["state", "experiment", "limit", "before"]);
  });

  it("has a path for every route handler under /api/v1, and each documented method is one the route answers", async () => {
    const doc = (await openapi.GET().json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = import.meta.glob<Record<string, unknown>>("./**/route.ts", { eager: true });
    const documented = new Set<string>();
    for (const [file, mod] of Object.entries(routes)) {
      if (file === "./openapi.json/route.ts") continue;
      const path = `/api/v1/${file.slice(2, -"/route.ts".length)}`.replace(/\[(\w+)\]/g, "{$1}");
      documented.add(path);
      const item = doc.paths[path];
      expect(item, `${file} has no path ${path} in the OpenAPI document`).toBeTruthy();
      for (const method of Object.keys(item!).filter((k) => ["get", "post", "put", "patch", "delete"].includes(k)))
        expect(typeof mod[method.toUpperCase()], `${path} documents ${method} but ${file} exports no ${method.toUpperCase()}`).toBe("function");
    }
    expect(Object.keys(doc.paths).filter((p) => !documented.has(p)), "paths with no route").toEqual([]);
  });
});
