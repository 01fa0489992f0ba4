import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { TestCluster } from "@/lib/runs/testing/harness";
import { startApiTestStack, type ApiTestStack } from "@/lib/api/testing";
import * as executionsRoute from "./t/[slug]/executions/route";
import * as executionRoute from "./t/[slug]/executions/[executionId]/route";
import * as executionAbortRoute from "./t/[slug]/executions/[executionId]/abort/route";
import * as executionShareRoute from "./t/[slug]/executions/[executionId]/share-links/route";
import * as experimentsRoute from "./t/[slug]/experiments/route";
import * as experimentRoute from "./t/[slug]/experiments/[experiment]/route";
import * as experimentExecutionsRoute from "./t/[slug]/experiments/[experiment]/executions/route";
import * as planRoute from "./t/[slug]/experiments/[experiment]/plan/route";
import * as runRoute from "./t/[slug]/experiments/[experiment]/run/route";
import * as versionsRoute from "./t/[slug]/experiments/[experiment]/versions/route";

// The experiments API's route handlers called as Next.js calls them, with bearer API tokens,
// against the real database, queue and sandbox cluster: every answer and every refusal.

let stack: ApiTestStack;
let c: TestCluster;
let slug: string;
let otherSlug: string;
let readToken: string;
let otherToken: string;
const call: ApiTestStack["call"] = (...args) => stack.call(...args);

const definition = {
  description: "The cart keeps answering while one of its pods is killed.",
  stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
  checks: [{ name: "cart replicas", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 1 } }],
};

beforeAll(async () => {
  stack = await startApiTestStack("Experimenter");
  ({ c, slug, otherSlug, readToken, otherToken } = stack);
});

afterAll(() => stack.close());

describe("experiments", () => {
  it("creates an experiment at version 1, lists it, and finds it by id or by name", async () => {
    expect((await call(experimentsRoute.GET, { slug })).body).toEqual({ experiments: [] });
    const created = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { name: "cart survives", cluster: "sandbox", definition } });
    expect(created.status).toBe(201);
    expect(created.body.experiment).toMatchObject({ name: "cart survives", version: 1, cluster: { id: c.clusterId, name: "sandbox" } });
    // The definition comes back with its defaults filled in.
    expect(created.body.experiment.definition).toMatchObject({ recoveryWindowSeconds: 60, maxDurationSeconds: 1800, checks: [{ mode: "before-and-after" }] });
    const id = created.body.experiment.id as string;
    const list = await call(experimentsRoute.GET, { slug }, { token: readToken });
    expect(list.body.experiments).toEqual([
      expect.objectContaining({ id, name: "cart survives", version: 1, stages: 1, faults: 1, checks: 1, lastExecution: null, updatedAt: expect.stringMatching(/Z$/) }),
    ]);
    expect((await call(experimentRoute.GET, { slug, experiment: "cart survives" }, { token: readToken })).body.experiment.id).toBe(id);
    expect((await call(experimentRoute.GET, { slug, experiment: id })).body.experiment.name).toBe("cart survives");
    const audit = await db.auditEvent.findFirst({ where: { teamId: c.teamId, action: "experiment.created", targetId: id } });
    expect(audit?.actorTokenId).not.toBeNull();
  });

  it("refuses a bad definition with one sentence per problem, naming its field", async () => {
    const bad = await call(experimentsRoute.POST, { slug }, {
      method: "POST",
      body: { name: "bad one", cluster: "sandbox", definition: { ...definition, stages: [{ name: "s", faults: [{ actionId: "nope", params: {} }] }], checks: [] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    expect(bad.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: "definition.stages.0.faults.0.actionId", message: "There is no action nope; see the action catalogue." },
        { path: "definition.checks", message: "An experiment states its steady state: add at least one check." },
      ]),
    );
    expect(bad.body.error.message).toContain("there is no action nope");
    const noName = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { cluster: "sandbox", definition } });
    expect(noName).toMatchObject({ status: 400, body: { error: { code: "invalid_request", message: "The experiment's name is required.", issues: [{ path: "name" }] } } });
    const badName = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { name: "../etc", cluster: "sandbox", definition } });
    expect(badName.body.error.message).toMatch(/^The experiment's name is letters, digits/);
    const extra = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { name: "x", cluster: "sandbox", definition, colour: "red" } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/colour/);
    expect(await db.experiment.count({ where: { teamId: c.teamId, name: { in: ["bad one", "x", "../etc"] } } })).toBe(0);
  });

  it("refuses a taken name (409), an unknown cluster (404), and anyone without runs:create (403)", async () => {
    const taken = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { name: "cart survives", cluster: "sandbox", definition } });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: "name_taken", message: 'The team already has an experiment named "cart survives".' } } });
    const nowhere = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { name: "elsewhere", cluster: "nowhere", definition } });
    expect(nowhere).toMatchObject({ status: 404, body: { error: { code: "not_found", message: 'No cluster "nowhere" in this team.' } } });
    const read = await call(experimentsRoute.POST, { slug }, { token: readToken, method: "POST", body: { name: "read only", cluster: "sandbox", definition } });
    expect(read).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    const notJson = await call(experimentsRoute.POST, { slug }, { method: "POST", body: "{" });
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: "invalid_json", message: "The request body is not valid JSON." } } });
  });

  it("keeps another team out: their URL is a 404, and our experiment is not found from theirs", async () => {
    expect(await call(experimentsRoute.GET, { slug: otherSlug })).toMatchObject({ status: 404, body: { error: { code: "not_found", message: "Team not found." } } });
    expect(await call(experimentRoute.GET, { slug: otherSlug, experiment: "cart survives" }, { token: otherToken })).toMatchObject({
      status: 404,
      body: { error: { message: 'No experiment "cart survives" in this team.' } },
    });
    const del = await call(experimentRoute.DELETE, { slug: otherSlug, experiment: "cart survives" }, { token: otherToken, method: "DELETE" });
    expect(del.status).toBe(404);
    expect(await db.experiment.count({ where: { teamId: c.teamId, name: "cart survives" } })).toBe(1);
  });

  it("saves new versions; a stale expectedVersion is a 409 that saves nothing", async () => {
    const changed = { ...definition, description: "Version two." };
    const v2 = await call(experimentRoute.PUT, { slug, experiment: "cart survives" }, { method: "PUT", body: { definition: changed, expectedVersion: 1 } });
    expect(v2.status).toBe(200);
    expect(v2.body.experiment).toMatchObject({ name: "cart survives", version: 2, definition: { description: "Version two." } });
    const stale = await call(experimentRoute.PUT, { slug, experiment: "cart survives" }, { method: "PUT", body: { definition: { ...definition, description: "Lost." }, expectedVersion: 1 } });
    expect(stale).toMatchObject({
      status: 409,
      body: { error: { code: "version_conflict", message: "This experiment was saved as version 2 since you opened version 1; reload it to see the change." } },
    });
    const renamed = await call(experimentRoute.PUT, { slug, experiment: "cart survives" }, { method: "PUT", body: { name: "cart stays up", cluster: c.clusterId, definition: changed } });
    expect(renamed.body.experiment).toMatchObject({ name: "cart stays up", version: 3 });
    const versions = await call(versionsRoute.GET, { slug, experiment: "cart stays up" }, { token: readToken });
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(versions.body.versions[2]).toMatchObject({ clusterId: c.clusterId, createdBy: { name: "Experimenter" }, definition: { description: definition.description } });
    const badVersion = await call(experimentRoute.PUT, { slug, experiment: "cart stays up" }, { method: "PUT", body: { definition, expectedVersion: "two" } });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.error.issues[0].path).toBe("expectedVersion");
    const missing = await call(experimentRoute.PUT, { slug, experiment: "no such" }, { method: "PUT", body: { definition } });
    expect(missing.status).toBe(404);
    const readOnly = await call(experimentRoute.PUT, { slug, experiment: "cart stays up" }, { token: readToken, method: "PUT", body: { definition } });
    expect(readOnly.status).toBe(403);
    expect(await db.auditEvent.count({ where: { teamId: c.teamId, action: "experiment.updated" } })).toBe(2);
  });

  it("deletes an experiment, but not while it runs", async () => {
    const made = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { name: "short lived", cluster: "sandbox", definition } });
    const id = made.body.experiment.id as string;
    const running = await db.experimentExecution.create({ data: { teamId: c.teamId, experimentId: id, version: 1, clusterId: c.clusterId, definition: made.body.experiment.definition, state: "OBSERVING" } });
    const busy = await call(experimentRoute.DELETE, { slug, experiment: id }, { method: "DELETE" });
    expect(busy).toMatchObject({ status: 409, body: { error: { code: "busy", message: "This experiment is running; abort it or wait for its verdict before deleting it." } } });
    await db.experimentExecution.update({ where: { id: running.id }, data: { state: "PASSED", finishedAt: new Date() } });
    expect((await call(experimentRoute.DELETE, { slug, experiment: "short lived" }, { token: readToken, method: "DELETE" })).status).toBe(403);
    const gone = await call(experimentRoute.DELETE, { slug, experiment: "short lived" }, { method: "DELETE" });
    expect(gone).toMatchObject({ status: 200, body: { deleted: { id, name: "short lived" } } });
    expect((await call(experimentRoute.GET, { slug, experiment: id })).status).toBe(404);
    expect(await db.auditEvent.count({ where: { teamId: c.teamId, action: "experiment.deleted", targetId: id } })).toBe(1);
  });
});

describe("dry runs and executions", () => {
  it("plans an unsaved definition and a saved experiment, writing nothing", async () => {
    const before = await db.experiment.count({ where: { teamId: c.teamId } });
    const unsaved = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { cluster: "sandbox", definition, dryRun: true } });
    expect(unsaved.status).toBe(200);
    expect(unsaved.body.plan).toMatchObject({ ready: true, problems: [], stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", refusal: null }] }] });
    expect(unsaved.body.plan.stages[0].faults[0].plan.targets).toHaveLength(1);
    expect(unsaved.body.plan.checks[0]).toMatchObject({ name: "cart replicas", result: { outcome: "pass" } });
    expect(await db.experiment.count({ where: { teamId: c.teamId } })).toBe(before);
    const saved = await call(planRoute.POST, { slug, experiment: "cart stays up" }, { method: "POST" });
    expect(saved.status).toBe(200);
    expect(saved.body.plan.ready).toBe(true);
    expect(saved.body.plan.planSeed).toEqual(expect.any(String));
    expect(await db.experimentExecution.count({ where: { teamId: c.teamId, state: "QUEUED" } })).toBe(0);
    // A dry run sends the checks' requests: it needs runs:create, as saving does.
    expect((await call(planRoute.POST, { slug, experiment: "cart stays up" }, { token: readToken, method: "POST" })).status).toBe(403);
    const bad = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { cluster: "sandbox", definition: { ...definition, stages: [] }, dryRun: true } });
    expect(bad.body.error.issues).toEqual([{ path: "definition.stages", message: "An experiment has at least one stage." }]);
    const refused = await call(experimentsRoute.POST, { slug }, {
      method: "POST",
      body: { cluster: "sandbox", dryRun: true, definition: { ...definition, stages: [{ name: "s", faults: [{ actionId: "pod-kill", params: { namespace: "kube-system", labelSelector: "k8s-app=kube-dns" } }] }] } },
    });
    expect(refused.status).toBe(200);
    expect(refused.body.plan.ready).toBe(false);
    expect(refused.body.plan.stages[0].faults[0].refusal).toMatchObject({ code: expect.any(String), message: expect.stringMatching(/\w+ \w+/) });
    expect(refused.body.plan.problems.length).toBeGreaterThan(0);
    const extra = await call(planRoute.POST, { slug, experiment: "cart stays up" }, { method: "POST", body: { dryRun: true } });
    expect(extra.status).toBe(400);
  });

  it("starts an execution (202), refuses a second while it is pending, answers it, aborts it, and shares it", async () => {
    const started = await call(runRoute.POST, { slug, experiment: "cart stays up" }, { method: "POST", body: {} });
    expect(started.status).toBe(202);
    const ex = started.body.execution;
    expect(ex).toMatchObject({ state: "QUEUED", finished: false, verdict: null, version: 3, experiment: { name: "cart stays up" }, cluster: { name: "sandbox", kind: "SANDBOX" } });
    expect(ex.queuedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(ex.stages[0].faults[0]).toMatchObject({ actionId: "pod-kill", runId: null, state: null });
    expect(ex.checks[0]).toMatchObject({ name: "cart replicas", samples: [], tripped: false });
    expect(await db.auditEvent.count({ where: { teamId: c.teamId, action: "experiment.executed", targetId: ex.experiment.id } })).toBe(1);

    const again = await call(runRoute.POST, { slug, experiment: "cart stays up" }, { method: "POST", body: {} });
    expect(again).toMatchObject({ status: 409, body: { error: { code: "busy", message: '"cart stays up" is running already; wait for its verdict or abort it.' } } });
    expect((await call(runRoute.POST, { slug, experiment: "cart stays up" }, { token: readToken, method: "POST", body: {} })).status).toBe(403);
    for (const planSeed of ["not a seed!", "short", "x".repeat(65)]) {
      const bad = await call(runRoute.POST, { slug, experiment: "cart stays up" }, { method: "POST", body: { planSeed } });
      expect(bad).toMatchObject({ status: 400, body: { error: { issues: [{ path: "planSeed", message: "planSeed is the planSeed of a dry run's answer." }] } } });
    }

    const got = await call(executionRoute.GET, { slug, executionId: ex.id }, { token: readToken });
    expect(got.body.execution).toMatchObject({ id: ex.id, state: "QUEUED", definition: { description: "Version two." } });
    expect(JSON.stringify(got.body)).not.toMatch(/kubeconfig|ciphertext|workerId|heartbeat/i);

    const link = await call(executionShareRoute.POST, { slug, executionId: ex.id }, { method: "POST", body: { expiry: "1d" } });
    expect(link.status).toBe(201);
    expect(link.body.shareLink).toMatchObject({ executionId: ex.id, runId: null, live: true, url: expect.stringMatching(/\/e\/shr_[A-Za-z0-9_-]{43}$/) });
    const links = await call(executionShareRoute.GET, { slug, executionId: ex.id }, { token: readToken });
    expect(links.body.shareLinks).toEqual([expect.not.objectContaining({ url: expect.anything() })]);
    expect((await call(executionShareRoute.POST, { slug, executionId: ex.id }, { token: readToken, method: "POST", body: {} })).status).toBe(403);
    expect((await call(executionShareRoute.POST, { slug, executionId: ex.id }, { method: "POST", body: { expiry: "forever" } })).status).toBe(400);

    expect((await call(executionAbortRoute.POST, { slug, executionId: ex.id }, { token: readToken, method: "POST" })).status).toBe(403);
    const aborted = await call(executionAbortRoute.POST, { slug, executionId: ex.id }, { method: "POST" });
    expect(aborted.status).toBe(200);
    expect(aborted.body.execution).toMatchObject({ state: "ABORTED", finished: true, verdict: "aborted", reason: expect.stringMatching(/^aborted by .* before it started$/) });
    const twice = await call(executionAbortRoute.POST, { slug, executionId: ex.id }, { method: "POST" });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: "finished", message: "This execution already ended (aborted); there is nothing to abort." } } });
    expect(await db.auditEvent.count({ where: { teamId: c.teamId, action: "experiment.execution-aborted", targetId: ex.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { teamId: c.teamId, action: "share_link.created", targetType: "execution", targetId: ex.id } })).toBe(1);
  });

  it("refuses a run the safety rules refuse, with the step named (422), and writes nothing", async () => {
    const made = await call(experimentsRoute.POST, { slug }, {
      method: "POST",
      body: { name: "hits kube-system", cluster: "sandbox", definition: { ...definition, stages: [{ name: "s", faults: [{ actionId: "pod-kill", params: { namespace: "kube-system", labelSelector: "k8s-app=kube-dns" } }] }] } },
    });
    expect(made.status).toBe(201);
    const refused = await call(runRoute.POST, { slug, experiment: "hits kube-system" }, { method: "POST", body: {} });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/^Stage 1 \(s\), fault 1 /);
    expect(await db.experimentExecution.count({ where: { experimentId: made.body.experiment.id } })).toBe(0);
  });
});

describe("executions", () => {
  it("lists the team's and an experiment's executions, newest first, filtered and paged", async () => {
    const e = await db.experiment.findFirstOrThrow({ where: { teamId: c.teamId, name: "cart stays up" } });
    const base = { teamId: c.teamId, experimentId: e.id, version: 3, clusterId: c.clusterId, definition: e.definition as object };
    const old = await db.experimentExecution.create({ data: { ...base, state: "FAILED", score: 40, reason: "stopped by cart replicas", queuedAt: new Date(Date.now() - 60_000), finishedAt: new Date() } });
    const recent = await db.experimentExecution.create({ data: { ...base, state: "PASSED", score: 100, finishedAt: new Date() } });
    const page1 = await call(experimentExecutionsRoute.GET, { slug, experiment: "cart stays up" }, { token: readToken, query: "limit=1" });
    expect(page1.status).toBe(200);
    expect(page1.body.executions).toEqual([expect.objectContaining({ id: recent.id, state: "PASSED", finished: true, verdict: "passed", score: 100, experiment: { id: e.id, name: "cart stays up" } })]);
    const all = await call(experimentExecutionsRoute.GET, { slug, experiment: "cart stays up" });
    const ids = all.body.executions.map((x: { id: string }) => x.id);
    // Newest first: the one just made, the one aborted above, the old one.
    expect(ids).toHaveLength(3);
    expect([ids[0], ids[2]]).toEqual([recent.id, old.id]);
    expect(all.body.next).toBeNull();
    const page2 = await call(experimentExecutionsRoute.GET, { slug, experiment: "cart stays up" }, { query: `limit=1&before=${page1.body.next}` });
    expect(page2.body.executions.map((x: { id: string }) => x.id)).toEqual([ids[1]]);
    const failed = await call(executionsRoute.GET, { slug }, { query: "state=failed,not-started" });
    expect(failed.body.executions).toEqual([expect.objectContaining({ id: old.id, verdict: "failed", reason: "stopped by cart replicas" })]);
    const byName = await call(executionsRoute.GET, { slug }, { query: "experiment=cart%20stays%20up" });
    expect(byName.body.executions.length).toBeGreaterThanOrEqual(2);
    const badState = await call(executionsRoute.GET, { slug }, { query: "state=exploded" });
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toMatch(/^The query was not accepted\./);
    const badCursor = await call(executionsRoute.GET, { slug }, { query: "before=nope" });
    expect(badCursor.body.error.message).toBe("The query was not accepted. before: no execution with this id in this team.");
    expect((await call(executionsRoute.GET, { slug }, { query: "experiment=nope" })).status).toBe(404);
    expect((await call(experimentExecutionsRoute.GET, { slug, experiment: "nope" })).status).toBe(404);
    expect((await call(executionsRoute.GET, { slug: otherSlug }, { token: otherToken })).body.executions).toEqual([]);
  });

  it("answers 404 for an execution of no one or of another team, on every execution route", async () => {
    const theirs = await db.experimentExecution.findFirstOrThrow({ where: { teamId: c.teamId } });
    for (const [handler, method] of [
      [executionRoute.GET, "GET"],
      [executionAbortRoute.POST, "POST"],
      [executionShareRoute.GET, "GET"],
      [executionShareRoute.POST, "POST"],
    ] as const) {
      expect((await call(handler, { slug, executionId: "nope" }, { method, body: method === "POST" ? {} : undefined })).status, `${method} nope`).toBe(404);
      expect((await call(handler, { slug: otherSlug, executionId: theirs.id }, { token: otherToken, method, body: method === "POST" ? {} : undefined })).status, `${method} theirs`).toBe(404);
    }
    expect((await call(planRoute.POST, { slug, experiment: "nope" }, { method: "POST", body: {} })).status).toBe(404);
    expect((await call(runRoute.POST, { slug, experiment: "nope" }, { method: "POST", body: {} })).status).toBe(404);
    expect((await call(runRoute.GET, { slug, experiment: "cart stays up" })).status).toBe(405);
    expect((await call(executionAbortRoute.GET, { slug, executionId: theirs.id })).status).toBe(405);
  });
});
