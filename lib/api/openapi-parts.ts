import { z } from "zod";

// Pieces the OpenAPI sections of lib/schedules and lib/webhooks build their paths with. A leaf
// module (zod only): those sections are imported by lib/api/openapi.ts, so they must not import
// lib/api's index.
export type JsonSchema = Record<string, unknown>;

/** A zod schema as the JSON Schema of a request (its input side), without `$schema`. */
export const inputSchema = (s: z.ZodType): JsonSchema => {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
};
export const jsonResponse = (schema: JsonSchema, description = "OK") => ({ description, content: { "application/json": { schema } } });
export const jsonBody = (schema: JsonSchema) => ({ required: true, content: { "application/json": { schema } } });
export const errorRef = { $ref: "#/components/schemas/Error" };
export const stringType = { type: "string" };
export const nullableString = { type: ["string", "null"] };
