import { errorRef, inputSchema as input, jsonBody as body, jsonResponse as json, nullableString as nullable, stringType as str, type JsonSchema } from "@/lib/api/openapi-parts";
import { webhookInputSchema, webhookUpdateSchema } from "./endpoints";
import { WEBHOOK_EVENTS } from "./events";

// The webhooks' section of the OpenAPI document (lib/api/openapi.ts), from the zod schemas the routes validate with.
const int = { type: ["integer", "null"] };
const errors = {
  400: json(errorRef, "Invalid request: a URL that is not https:// or resolves to a private, loopback or link-local address, no event chosen (issues name each field)"),
  401: json(errorRef, "No valid session"),
  403: json(errorRef, "The role does not allow this (owners and admins manage webhooks), or a trial team"),
  404: json(errorRef, "No such team, or not a member; or no such endpoint in the team"),
};
const op = (summary: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  summary,
  description: "Requires the permission `team:update`. Deliveries are signed: `Pystol-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" with the team's secret>`.",
  tags: ["webhooks"],
  responses: { ...responses, ...errors },
  ...extra,
});

const webhook = {
  type: "object",
  properties: {
    id: str,
    name: str,
    host: { ...str, description: "The URL's host; the URL itself is never shown again (it may hold a credential)" },
    events: { type: "array", items: { enum: [...WEBHOOK_EVENTS] } },
    format: { enum: ["generic", "slack"] },
    scoreDropPoints: { type: "integer" },
    enabled: { type: "boolean" },
    createdAt: str,
    lastDelivery: { type: ["object", "null"], properties: { id: str, event: str, status: str, responseCode: int, createdAt: str } },
  },
};
const delivery = {
  type: "object",
  properties: {
    id: str,
    event: str,
    status: { enum: ["pending", "retrying", "delivered", "failed"] },
    attempts: { type: "integer" },
    responseCode: int,
    latencyMs: int,
    error: nullable,
    responseBody: { ...nullable, description: "The start of the last answer's body (1 KiB at most)" },
    createdAt: str,
    lastAttemptAt: nullable,
    deliveredAt: nullable,
  },
};

/** The paths of /api/v1/t/{slug}/webhooks…; `slug` is the document's team path parameter. */
export function webhookPaths(slug: JsonSchema): Record<string, unknown> {
  const webhookId = { name: "webhookId", in: "path", required: true, description: "Webhook endpoint id", schema: str };
  const one = { type: "object", properties: { webhook }, required: ["webhook"] };
  return {
    "/api/v1/t/{slug}/webhooks": {
      parameters: [slug],
      get: op("List the team's webhook endpoints with their last delivery", { 200: json({ type: "object", properties: { webhooks: { type: "array", items: webhook } } }) }),
      post: op("Add a webhook endpoint; the team's signing secret is returned once, with its first endpoint", {
        201: json({ type: "object", properties: { webhook, secret: { ...nullable, description: "The new signing secret (first endpoint only), shown once" } } }, "The endpoint"),
      }, { requestBody: body(input(webhookInputSchema)) }),
    },
    "/api/v1/t/{slug}/webhooks/secret": {
      parameters: [slug],
      post: op("Rotate the team's signing secret; the new one is returned once", { 200: json({ type: "object", properties: { secret: str } }) }),
    },
    "/api/v1/t/{slug}/webhooks/{webhookId}": {
      parameters: [slug, webhookId],
      get: op("Get a webhook endpoint", { 200: json(one) }),
      patch: op("Edit a webhook endpoint; { enabled: false } pauses it", { 200: json(one) }, { requestBody: body(input(webhookUpdateSchema)) }),
      delete: op("Delete a webhook endpoint and its delivery log", { 204: { description: "Deleted" } }),
    },
    "/api/v1/t/{slug}/webhooks/{webhookId}/deliveries": {
      parameters: [slug, webhookId],
      get: op("An endpoint's deliveries, newest first: status, attempts, response code, latency, error", {
        200: json({ type: "object", properties: { deliveries: { type: "array", items: delivery } } }),
      }, { parameters: [{ name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200 } }] }),
    },
    "/api/v1/t/{slug}/webhooks/{webhookId}/test": {
      parameters: [slug, webhookId],
      post: op("Queue a signed test delivery (event webhook.test); its outcome appears in the delivery log", { 202: json({ type: "object", properties: { deliveryId: str } }, "Queued") }),
    },
  };
}
