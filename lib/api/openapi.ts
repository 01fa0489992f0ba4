import { z } from "zod";
import { describeCatalog } from "@/lib/actions";
import * as s from "./schemas";

// The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the handlers validate
// with (request bodies as input, answers as output) and the actions' own parameter schemas.

type JsonSchema = Record<string, unknown>;
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function clean(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function componentSchemas(): Record<string, JsonSchema> {
  const uri = (id: string) => `#/components/schemas/${id}`;
  const out = z.toJSONSchema(s.apiRegistry, { uri, io: "output", unrepresentable: "any" }).schemas as Record<string, JsonSchema>;
  const inputs = z.toJSONSchema(s.apiRegistry, { uri, io: "input", unrepresentable: "any" }).schemas as Record<string, JsonSchema>;
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(out)) schemas[id] = clean(id.startsWith("Create") ? inputs[id]! : schema);
  for (const a of describeCatalog()) schemas[`params.${a.id}`] = clean(a.paramsSchema);
  return schemas;
}

function queryParameters(schema: z.ZodType) {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, JsonSchema> };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({ name, in: "query", required: false, description: p.description, schema: p }));
}

const pathParam = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });
const slug = pathParam("slug", "The team's slug");
const runId = pathParam("runId", "Run id");

function json(schema: JsonSchema, description = "OK") {
  return { description, content: { "application/json": { schema } } };
}
const obj = (key: string, schema: JsonSchema, extra: Record<string, JsonSchema> = {}) => ({
  type: "object",
  properties: { [key]: schema, ...extra },
  required: [key, ...Object.keys(extra)],
});
const errors = Object.fromEntries(
  [
    ["400", "Invalid request (the issues list each problem)"],
    ["401", "No valid session or API token"],
    ["403", "The role or token scope does not allow this"],
    ["404", "No such team, or not a member; or no such object in the team"],
  ].map(([code, description]) => [code, json(ref("Error"), description)]),
);

function op(summary: string, permission: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { summary, description: `Requires the permission \`${permission}\`.`, responses: { ...responses, ...errors }, ...extra };
}

/** The whole OpenAPI document. */
export function openApiDocument(serverUrl: string) {
  const body = (id: string) => ({ required: true, content: { "application/json": { schema: ref(id) } } });
  return {
    openapi: "3.1.0",
    info: {
      title: "Pystol API",
      version: "1",
      description:
        "Fault injection for Kubernetes. Authenticate with `Authorization: Bearer pst_…` (an API token of the team, scope read or run) or a browser session. " +
        "Errors are `{ error: { code, message } }`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      "/api/v1/token": {
        get: op("The team of the API token in the Authorization header, and the role it acts with", "team:read", {
          200: json(obj("team", { type: "object", properties: { slug: { type: "string" }, name: { type: "string" } }, required: ["slug", "name"] }, { role: { type: "string" } })),
        }),
      },
      "/api/v1/t/{slug}/clusters": { parameters: [slug], get: op("List clusters", "clusters:read", { 200: json(obj("clusters", { type: "array", items: ref("Cluster") })) }) },
      "/api/v1/t/{slug}/clusters/{clusterId}": {
        parameters: [slug, pathParam("clusterId", "Cluster id or name")],
        get: op("Get a cluster", "clusters:read", { 200: json(obj("cluster", ref("Cluster"))) }),
      },
      "/api/v1/t/{slug}/actions": { parameters: [slug], get: op("List actions with their parameter schemas", "runs:read", { 200: json(obj("actions", { type: "array", items: ref("Action") })) }) },
      "/api/v1/t/{slug}/actions/{actionId}": {
        parameters: [slug, pathParam("actionId", "Action id")],
        get: op("Get an action", "runs:read", { 200: json(obj("action", ref("Action"))) }),
      },
      "/api/v1/t/{slug}/runs": {
        parameters: [slug],
        get: op("List runs, newest first", "runs:read", { 200: json(obj("runs", { type: "array", items: ref("Run") }, { next: { type: ["string", "null"] } })) }, {
          parameters: queryParameters(s.listRunsQuery),
        }),
        post: op(
          "Start a run, or record a dry run",
          "runs:create",
          {
            201: json(obj("run", ref("Run"), { plan: ref("Plan") }), "The run, queued (or a finished dry run), with its plan"),
            422: json(ref("Error"), "Refused by the safety rules (empty selection, protected namespace, blast radius, confirmation required, missing permissions)"),
            429: json(ref("Error"), "The team's concurrent-run limit is reached"),
          },
          { requestBody: body("CreateRun"), description: "Requires the permission `runs:create`; a dry run (`dryRun: true`) changes nothing and requires only `runs:read`." },
        ),
      },
      "/api/v1/t/{slug}/runs/events": {
        parameters: [slug],
        get: op("Follow the team's run state changes (with Accept: text/event-stream, Server-Sent Events: a \"run\" event per change; \"changed\" when a change since ?since=<ISO time> was found); otherwise the runs in progress", "runs:read", {
          200: {
            description: "An event stream, or the runs in progress",
            content: { "text/event-stream": { schema: { type: "string" } }, "application/json": { schema: { type: "object", properties: { runs: { type: "array", items: { type: "object", properties: { id: { type: "string" }, state: { type: "string" } } } } } } } },
          },
        }),
      },
      "/api/v1/t/{slug}/runs/{runId}": { parameters: [slug, runId], get: op("Get a run with its steps", "runs:read", { 200: json(obj("run", ref("Run"), { steps: { type: "array", items: ref("RunStep") } })) }) },
      "/api/v1/t/{slug}/runs/{runId}/logs": {
        parameters: [slug, runId],
        get: op("A run's log lines", "runs:read", { 200: json(obj("logs", { type: "array", items: ref("RunLogLine") })) }, { parameters: queryParameters(s.logsQuery) }),
      },
      "/api/v1/t/{slug}/runs/{runId}/events": {
        parameters: [slug, runId],
        get: op("Follow a run live (Server-Sent Events: state, step, log and progress events; ends when the run is finished)", "runs:read", {
          200: { description: "An event stream", content: { "text/event-stream": { schema: { type: "string" } } } },
        }),
      },
      "/api/v1/t/{slug}/runs/{runId}/abort": { parameters: [slug, runId], post: op("Abort a run (a queued run is cancelled, a running one rolls back)", "runs:abort", { 200: json(obj("run", ref("Run"))) }) },
      "/api/v1/t/{slug}/runs/{runId}/share-links": {
        parameters: [slug, runId],
        get: op("List the run's share links", "runs:read", { 200: json(obj("shareLinks", { type: "array", items: ref("ShareLink") })) }),
        post: op("Create a share link; the answer holds its URL, shown once", "share:manage", { 201: json(obj("shareLink", ref("ShareLink"))) }, { requestBody: body("CreateShareLink") }),
      },
      "/api/v1/t/{slug}/share-links/{linkId}": {
        parameters: [slug, pathParam("linkId", "Share link id")],
        get: op("Get a share link", "runs:read", { 200: json(obj("shareLink", ref("ShareLink"))) }),
        delete: op("Revoke a share link (it answers 404 at once)", "share:manage", { 200: json(obj("shareLink", ref("ShareLink"))) }),
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token of the team (pst_…)" } },
      schemas: componentSchemas(),
    },
  };
}
