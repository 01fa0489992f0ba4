import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/auth/create-account";
import { db } from "@/lib/db";
import { apiToken, startApiTestStack, type ApiTestStack } from "@/lib/api/testing";
import type { TestCluster } from "@/lib/runs/testing/harness";
import * as applyRoute from "./t/[slug]/experiments/apply/route";
import * as exportRoute from "./t/[slug]/experiments/[experiment]/export/route";
import * as versionsRoute from "./t/[slug]/experiments/[experiment]/versions/route";
import * as schemaRoute from "../../schemas/experiment-v1.json/route";

// Experiments as code through the API: PUT .../experiments/apply (create, a new version,
// unchanged, a dry run, refusals with line and column), GET .../export, the published schema,
// and who may do what, against the real database and sandbox cluster.

let stack: ApiTestStack;
let c: TestCluster;
let slug: string;
let otherSlug: string;
let readToken: string;
let otherToken: string;
let viewerToken: string;
const call: ApiTestStack["call"] = (...args) => stack.call(...args);

const file = (name: string, count = 1, cluster = "sandbox") => `apiVersion: pystol.io/v1
kind: Experiment
metadata:
  name: ${name}
${cluster ? `  cluster: ${cluster}\n` : ""}spec:
  description: The cart keeps answering while one of its pods is killed.
  stages:
    - name: lose a cart pod
      faults:
        - actionId: pod-kill
          params: { namespace: shop, labelSelector: app=cart, count: ${count} }
  checks:
    - name: cart replicas
      type: kubernetes
      check: { condition: workload-available, workload: Deployment, namespace: shop, name: cart, minAvailable: 1 }
`;

const apply = (text: string, opts: { token?: string; query?: string; slug?: string } = {}) =>
  call(applyRoute.PUT, { slug: opts.slug ?? slug }, { method: "PUT", body: text, token: opts.token, query: opts.query });

async function exported(experiment: string, format?: string, token?: string) {
  const req = new NextRequest(`http://localhost/api/v1/x/export${format ? `?format=${format}` : ""}`, { headers: { authorization: `Bearer ${token ?? stack.runToken}` } });
  const res = await exportRoute.GET(req, { params: Promise.resolve({ slug, experiment }) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

beforeAll(async () => {
  stack = await startApiTestStack("Coder");
  ({ c, slug, otherSlug, readToken, otherToken } = stack);
  const { userId } = await createAccount({ name: "Vera Viewer", email: `${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery" }, { ip: null, userAgent: null });
  await db.membership.create({ data: { teamId: c.teamId, userId, role: "VIEWER" } });
  viewerToken = await apiToken(c.teamId, userId, ["run"]);
});

afterAll(() => stack.close());

describe("PUT /experiments/apply", () => {
  it("creates (201), then is unchanged with no new version, then updates with the diff", async () => {
    const created = await apply(file("cart as code"));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ outcome: "created", dryRun: false, experiment: { name: "cart as code", version: 1, cluster: { name: "sandbox" } }, removed: 0 });
    expect(created.body.diff).toContain("+  name: cart as code");
    const id = created.body.experiment.id as string;

    const again = await apply(file("cart as code"));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: "unchanged", experiment: { id, version: 1 }, diff: "", added: 0, removed: 0 });
    // Key order, flow or block style, and JSON instead of YAML say the same thing.
    const asJson = JSON.stringify({ apiVersion: "pystol.io/v1", kind: "Experiment", metadata: { cluster: "sandbox", name: "cart as code" }, spec: (created.body.experiment as { definition: unknown }).definition });
    expect((await apply(asJson)).body.outcome).toBe("unchanged");

    const updated = await apply(file("cart as code", 2));
    expect(updated.body).toMatchObject({ outcome: "updated", experiment: { id, version: 2 }, added: 1, removed: 1 });
    expect(updated.body.diff).toMatch(/^--- cart as code \(version 1\)\n\+\+\+ cart as code \(file\)\n@@ /);
    expect(updated.body.diff).toContain("-            count: 1\n+            count: 2\n");
    const versions = await call(versionsRoute.GET, { slug, experiment: id });
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(await db.auditEvent.count({ where: { teamId: c.teamId, targetId: id, action: { in: ["experiment.created", "experiment.updated"] } } })).toBe(2);
  });

  it("answers a dry run without writing, and keeps the cluster on an update that names none", async () => {
    const dry = await apply(file("dry one"), { query: "dryRun=true" });
    expect(dry).toMatchObject({ status: 200, body: { outcome: "created", dryRun: true, experiment: null } });
    expect(await db.experiment.count({ where: { teamId: c.teamId, name: "dry one" } })).toBe(0);
    await apply(file("kept cluster"));
    const dryUpdate = await apply(file("kept cluster", 3, ""), { query: "dryRun=true" });
    expect(dryUpdate.body).toMatchObject({ outcome: "updated", dryRun: true, experiment: { version: 1 } });
    const update = await apply(file("kept cluster", 3, ""));
    expect(update.body).toMatchObject({ outcome: "updated", experiment: { version: 2, cluster: { id: c.clusterId } } });
  });

  it("refuses a file that does not validate (400), each issue with its line and column, and writes nothing", async () => {
    const bad = await apply(file("bad file").replace("actionId: pod-kill", "actionId: pod-kil").replace("  cluster: sandbox\n", "  cluster: sandbox\n  colour: red\n"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    expect(bad.body.error.message).toMatch(/^The file was not accepted: line \d+, column \d+/);
    expect(bad.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: "metadata", line: 6, column: 3, message: "metadata knows name and cluster only; remove colour." },
        { path: "spec.stages.0.faults.0.actionId", line: 12, column: 21, message: "There is no action pod-kil; see the action catalogue." },
      ]),
    );
    const syntax = await apply("apiVersion: pystol.io/v1\nkind: [Experiment\n");
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.issues[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    const noCluster = await apply(file("no cluster", 1, ""));
    expect(noCluster.body.error).toMatchObject({ code: "invalid_request", issues: [{ path: "metadata.cluster", line: 4, column: 3 }] });
    const unknownCluster = await apply(file("unknown cluster", 1, "nowhere"));
    expect(unknownCluster).toMatchObject({ status: 404, body: { error: { code: "not_found", issues: [{ path: "metadata.cluster", line: 5, column: 12 }] } } });
    expect((await apply("")).status).toBe(400);
    expect((await apply("x".repeat(300 * 1024))).status).toBe(413);
    expect((await apply(file("q"), { query: "dryRun=maybe" })).status).toBe(400);
    expect(await db.experiment.count({ where: { teamId: c.teamId, name: { in: ["bad file", "no cluster", "unknown cluster"] } } })).toBe(0);
  });

  it("needs runs:create: a read token and a viewer are refused (403), another team's token finds no team (404)", async () => {
    expect((await apply(file("refused"), { token: readToken })).status).toBe(403);
    expect((await apply(file("refused"), { token: viewerToken })).status).toBe(403);
    expect((await apply(file("refused"), { token: otherToken })).status).toBe(404);
    // Applied in another team, the same name is another experiment: tenancy by the token's team.
    const theirs = await apply(file("cart as code", 1, ""), { token: otherToken, slug: otherSlug });
    expect(theirs.body.error.issues[0].path).toBe("metadata.cluster");
    expect(await db.experiment.count({ where: { teamId: c.teamId, name: "refused" } })).toBe(0);
    // GET is not a method of apply: 405 behind the team's gate, 404 to outsiders.
    expect((await call(applyRoute.GET, { slug }, { token: readToken })).status).toBe(405);
    expect((await call(applyRoute.GET, { slug }, { token: otherToken })).status).toBe(404);
  });
});

describe("GET /experiments/{experiment}/export", () => {
  it("exports YAML and JSON that apply back unchanged, naming the published schema", async () => {
    const yaml = await exported("cart as code");
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(yaml.headers.get("content-disposition")).toBe('attachment; filename="cart-as-code.yaml"');
    expect(yaml.text.split("\n")[0]).toMatch(/^# yaml-language-server: \$schema=http.*\/schemas\/experiment-v1\.json$/);
    expect(yaml.text).toContain("metadata:\n  name: cart as code\n  cluster: sandbox\n");
    expect((await apply(yaml.text)).body).toMatchObject({ outcome: "unchanged", experiment: { version: 2 } });

    const json = await exported("cart as code", "json", readToken);
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)).toMatchObject({ $schema: expect.stringMatching(/\/schemas\/experiment-v1\.json$/), kind: "Experiment", spec: { stages: [{ faults: [{ params: { count: 2 } }] }] } });
    expect((await apply(json.text)).body.outcome).toBe("unchanged");
  });

  it("refuses an unknown format (400), an unknown experiment (404), and another team", async () => {
    const bad = await exported("cart as code", "toml");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.message).toContain("format is yaml or json.");
    expect((await exported("no such experiment")).status).toBe(404);
    expect((await exported("cart as code", "yaml", otherToken)).status).toBe(404);
  });
});

describe("GET /schemas/experiment-v1.json", () => {
  it("is public and cacheable, and names itself", async () => {
    const res = schemaRoute.GET();
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    const schema = (await res.json()) as { $id: string; properties: Record<string, unknown> };
    expect(schema.$id).toMatch(/\/schemas\/experiment-v1\.json$/);
    expect(Object.keys(schema.properties)).toEqual(["$schema", "apiVersion", "kind", "metadata", "spec"]);
  });
});
