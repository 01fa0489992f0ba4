import { errorRef, inputSchema as input, jsonBody as body, jsonResponse as json, nullableString as nullable, stringType as str, type JsonSchema } from "@/lib/api/openapi-parts";
import { scheduleInputSchema, scheduleUpdateSchema } from "./store";

// The schedules' section of the OpenAPI document (lib/api/openapi.ts), from the same zod schemas the routes validate with.
const errors = {
  400: json(errorRef, "Invalid request: a bad cron expression or time zone, an unknown target, params the action refuses (issues name each field)"),
  401: json(errorRef, "No valid session or API token"),
  403: json(errorRef, "The role or token scope does not allow this, or a trial team (trials cannot schedule)"),
  404: json(errorRef, "No such team, or not a member; or no such schedule in the team"),
};
const op = (summary: string, permission: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  summary,
  description: `Requires the permission \`${permission}\`.`,
  tags: ["schedules"],
  responses: { ...responses, ...errors },
  ...extra,
});

const firing = {
  type: ["object", "null"],
  properties: {
    dueAt: str,
    status: { enum: ["FIRING", "FIRED", "SKIPPED"] },
    skipCode: { type: ["string", "null"], description: "busy | cluster-unreachable | concurrency-limit | missed | refused | error" },
    reason: nullable,
    late: { type: "boolean" },
    runId: nullable,
    executionId: nullable,
  },
};
const schedule = {
  type: "object",
  properties: {
    id: str,
    kind: { enum: ["experiment", "action"] },
    what: str,
    experimentId: nullable,
    actionId: nullable,
    clusterId: nullable,
    params: {},
    cron: str,
    description: { ...nullable, description: "The expression in words, for common shapes" },
    timezone: str,
    enabled: { type: "boolean" },
    latePolicy: { enum: ["run-late", "skip"] },
    createdBy: nullable,
    createdAt: str,
    lastFiredAt: nullable,
    nextAt: { ...nullable, description: "Computed from the expression; null while paused" },
    last: firing,
  },
};

/** The paths of /api/v1/t/{slug}/schedules…; `slug` is the document's team path parameter. */
export function schedulePaths(slug: JsonSchema): Record<string, unknown> {
  const scheduleId = { name: "scheduleId", in: "path", required: true, description: "Schedule id", schema: str };
  const one = { type: "object", properties: { schedule }, required: ["schedule"] };
  return {
    "/api/v1/t/{slug}/schedules": {
      parameters: [slug],
      get: op("List schedules with their next time and last firing", "runs:read", { 200: json({ type: "object", properties: { schedules: { type: "array", items: schedule } } }) }),
      post: op("Schedule an experiment ({ experimentId }) or an action ({ actionId, clusterId, params })", "runs:create", { 201: json(one, "The schedule") }, { requestBody: body(input(scheduleInputSchema)) }),
    },
    "/api/v1/t/{slug}/schedules/preview": {
      parameters: [slug],
      get: op("Check a cron expression in a time zone before saving: its next times, or what is wrong with it", "runs:read", {
        200: json({
          type: "object",
          properties: { valid: { type: "boolean" }, times: { type: "array", items: str }, description: nullable, field: { enum: ["cron", "timezone"] }, message: str },
          required: ["valid"],
        }),
      }, {
        parameters: [
          { name: "cron", in: "query", required: true, schema: str },
          { name: "timezone", in: "query", required: false, schema: str },
          { name: "count", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 20 } },
        ],
      }),
    },
    "/api/v1/t/{slug}/schedules/{scheduleId}": {
      parameters: [slug, scheduleId],
      get: op("Get a schedule", "runs:read", { 200: json(one) }),
      patch: op("Edit a schedule; { enabled: false } pauses it, { enabled: true } resumes it", "runs:create", { 200: json(one) }, { requestBody: body(input(scheduleUpdateSchema)) }),
      delete: op("Delete a schedule and its firings (its runs and executions stay)", "runs:create", { 204: { description: "Deleted" } }),
    },
    "/api/v1/t/{slug}/schedules/{scheduleId}/firings": {
      parameters: [slug, scheduleId],
      get: op("A schedule's due times, newest first: fired with its run or execution, or skipped with the reason", "runs:read", {
        200: json({ type: "object", properties: { firings: { type: "array", items: { ...firing, type: "object", properties: { ...firing.properties, handledAt: str } } } } }),
      }, { parameters: [{ name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200 } }] }),
    },
  };
}
