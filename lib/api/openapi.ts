import { z } from "zod";
import { describeCatalog } from "@/lib/actions";
import * as s from "./schemas";
import { schedulePaths } from "@/lib/schedules/openapi";
import { webhookPaths } from "@/lib/webhooks/openapi";
import { reportRequestSchema, reportSchema } from "@/lib/resilience";

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
  for (const [id, schema] of Object.entries(out)) schemas[id] = clean(s.REQUEST_SCHEMAS.has(id) ? inputs[id]! : schema);
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
const experiment = pathParam("experiment", "Experiment id or name");
const executionId = pathParam("executionId", "Execution id");

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
      "/api/v1/t/{slug}": {
        parameters: [slug],
        get: op("The team, the caller's role in it, and how many members and clusters it has", "team:read", {
          200: json({
            type: "object",
            properties: {
              team: { type: "object", properties: { slug: { type: "string" }, name: { type: "string" } }, required: ["slug", "name"] },
              role: { type: "string" },
              members: { type: "integer" },
              clusters: { type: "integer" },
            },
            required: ["team", "role", "members", "clusters"],
          }),
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
      "/api/v1/t/{slug}/experiments": {
        parameters: [slug],
        get: op("List experiments, most recently changed first, with their last execution", "runs:read", {
          200: json(obj("experiments", { type: "array", items: ref("ExperimentSummary") })),
        }),
        post: op(
          "Save a new experiment (version 1), or with dryRun plan an unsaved definition",
          "runs:create",
          {
            200: json(obj("plan", ref("ExperimentPlan")), "The dry run: every fault step planned, every check evaluated once; nothing saved or changed"),
            201: json(obj("experiment", ref("Experiment")), "The experiment, saved at version 1"),
            409: json(ref("Error"), "The team already has an experiment of this name"),
          },
          { requestBody: body("CreateExperiment") },
        ),
      },
      "/api/v1/t/{slug}/experiments/{experiment}": {
        parameters: [slug, experiment],
        get: op("Get an experiment at its current version", "runs:read", { 200: json(obj("experiment", ref("Experiment"))) }),
        put: op(
          "Save a new version of an experiment",
          "runs:create",
          {
            200: json(obj("experiment", ref("Experiment")), "The experiment at its new version"),
            409: json(ref("Error"), "Another version was saved since expectedVersion (code version_conflict), or the name is taken (name_taken)"),
          },
          { requestBody: body("UpdateExperiment") },
        ),
        delete: op("Delete an experiment with its versions and executions", "runs:create", {
          200: json(obj("deleted", { type: "object", properties: { id: { type: "string" }, name: { type: "string" } }, required: ["id", "name"] })),
          409: json(ref("Error"), "An execution of it is in progress (code busy): abort it or wait for its verdict"),
        }),
      },
      "/api/v1/t/{slug}/experiments/{experiment}/versions": {
        parameters: [slug, experiment],
        get: op("List an experiment's saved versions, newest first", "runs:read", { 200: json(obj("versions", { type: "array", items: ref("ExperimentVersion") })) }),
      },
      "/api/v1/t/{slug}/experiments/apply": {
        parameters: [slug],
        put: op(
          "Apply an experiment file (YAML or JSON): create the experiment of its metadata.name, save a new version when the file differs, or change nothing; answers the diff",
          "runs:create",
          {
            200: json(ref("ApplyExperimentResult"), "Updated (a new version) or unchanged (no version made); on a dry run, what would happen"),
            201: json(ref("ApplyExperimentResult"), "Created at version 1"),
            409: json(ref("Error"), "Someone saved another version while this one was applied (code version_conflict); apply again"),
            413: json(ref("Error"), "The file is larger than 256 KiB"),
          },
          {
            parameters: queryParameters(s.applyExperimentQuery),
            requestBody: {
              required: true,
              description: "The experiment file as text; a 400's issues give each problem's line and column in it",
              content: { "application/yaml": { schema: ref("ExperimentFile") }, "application/json": { schema: ref("ExperimentFile") } },
            },
          },
        ),
      },
      "/api/v1/t/{slug}/experiments/{experiment}/export": {
        parameters: [slug, experiment],
        get: op(
          "Export an experiment's current version as a file (YAML or JSON) to keep in a repository and apply again",
          "runs:read",
          {
            200: {
              description: "The file, as an attachment, naming its JSON Schema (/schemas/experiment-v1.json)",
              content: { "application/yaml": { schema: ref("ExperimentFile") }, "application/json": { schema: ref("ExperimentFile") } },
            },
          },
          { parameters: queryParameters(s.exportExperimentQuery) },
        ),
      },
      "/api/v1/t/{slug}/experiments/{experiment}/plan": {
        parameters: [slug, experiment],
        post: op("Dry-run the saved experiment: plan every fault step and evaluate every check once; nothing is written or changed", "runs:create", {
          200: json(obj("plan", ref("ExperimentPlan"))),
        }),
      },
      "/api/v1/t/{slug}/experiments/{experiment}/run": {
        parameters: [slug, experiment],
        post: op(
          "Start an execution of the experiment's current version",
          "runs:create",
          {
            202: json(obj("execution", ref("Execution")), "The execution, queued; follow it with GET /executions/{executionId}"),
            409: json(ref("Error"), "The experiment is already running"),
            422: json(ref("Error"), "Refused by the plan (a fault step is refused by the safety rules, or confirm is required and missing)"),
            429: json(ref("Error"), "The team's concurrent-run limit is reached"),
          },
          { requestBody: body("StartExecution") },
        ),
      },
      "/api/v1/t/{slug}/experiments/{experiment}/executions": {
        parameters: [slug, experiment],
        get: op(
          "List an experiment's executions, newest first",
          "runs:read",
          { 200: json(obj("executions", { type: "array", items: ref("ExecutionSummary") }, { next: { type: ["string", "null"] } })) },
          { parameters: queryParameters(s.listExperimentExecutionsQuery) },
        ),
      },
      "/api/v1/t/{slug}/executions": {
        parameters: [slug],
        get: op(
          "List the team's experiment executions, newest first",
          "runs:read",
          { 200: json(obj("executions", { type: "array", items: ref("ExecutionSummary") }, { next: { type: ["string", "null"] } })) },
          { parameters: queryParameters(s.listExecutionsQuery) },
        ),
      },
      "/api/v1/t/{slug}/executions/{executionId}": {
        parameters: [slug, executionId],
        get: op("Get an execution: stages and faults, each check's samples and outcomes, the verdict, score and reason", "runs:read", {
          200: json(obj("execution", ref("Execution"))),
        }),
      },
      "/api/v1/t/{slug}/executions/{executionId}/events": {
        parameters: [slug, executionId, { name: "since", in: "query", required: false, description: "Only events after this journal id (the SSE id; Last-Event-ID works too)", schema: { type: "string" } }],
        get: op(
          "Follow an execution live (Server-Sent Events: state, stage, fault, sample and trip events, each with its journal id; ends at the verdict)",
          "runs:read",
          { 200: { description: "An event stream", content: { "text/event-stream": { schema: { type: "string" } } } } },
        ),
      },
      "/api/v1/t/{slug}/executions/{executionId}/abort": {
        parameters: [slug, executionId],
        post: op("Abort an execution: every active fault is aborted and rolled back; the verdict is aborted", "runs:abort", {
          200: json(obj("execution", ref("Execution"))),
          409: json(ref("Error"), "The execution already ended (code finished)"),
        }),
      },
      "/api/v1/t/{slug}/executions/{executionId}/share-links": {
        parameters: [slug, executionId],
        get: op("List the execution's share links", "runs:read", { 200: json(obj("shareLinks", { type: "array", items: ref("ShareLink") })) }),
        post: op("Create a share link to the execution; the answer holds its URL, shown once", "share:manage", { 201: json(obj("shareLink", ref("ShareLink"))) }, { requestBody: body("CreateShareLink") }),
      },
      "/api/v1/t/{slug}/share-links/{linkId}": {
        parameters: [slug, pathParam("linkId", "Share link id")],
        get: op("Get a share link", "runs:read", { 200: json(obj("shareLink", ref("ShareLink"))) }),
        delete: op("Revoke a share link (it answers 404 at once)", "share:manage", { 200: json(obj("shareLink", ref("ShareLink"))) }),
      },
      ...schedulePaths(slug),
      ...webhookPaths(slug),
      "/api/v1/t/{slug}/reports": {
        parameters: [slug],
        get: op(
          "A report of one execution (execution) or of the executions queued in a range (from, to: 30 days up to now unless given; at most 366 days) of the team or of one experiment (experiment: id or name), as JSON (format=json, the default; its shape is the schema below, versioned by its `schema` field), the printable page (format=html) or a PDF printed by the server (format=pdf)",
          "runs:read",
          {
            200: {
              description: "The report",
              content: {
                "application/json": { schema: clean(z.toJSONSchema(reportSchema, { io: "output", unrepresentable: "any" }) as JsonSchema) },
                "text/html": { schema: { type: "string" } },
                "application/pdf": { schema: { type: "string", format: "binary" } },
              },
            },
            503: json(ref("Error"), "format=pdf only: this server has no Chromium (code pdf_no_chromium), too many reports are printing (pdf_busy), or printing took too long (pdf_timeout); the message says what to use instead"),
          },
          { parameters: queryParameters(reportRequestSchema) },
        ),
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token of the team (pst_…)" } },
      schemas: componentSchemas(),
    },
  };
}
