import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { RunRefusedError, type RefusalCode } from "@/lib/actions";
import { ExperimentError } from "@/lib/experiments/errors";
import { outageOf, outageResponse } from "@/lib/http";
import { createLogger } from "@/lib/log";
import { ShareLinkError } from "@/lib/share";
import { apiError, findNul, hasNul } from "@/lib/tenancy";
import { describeIssues } from "@/lib/validation";

/** A request that cannot be served; route handlers throw it, `handleApiError` answers it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

function issuesOf(err: z.ZodError) {
  return err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

function invalid(err: z.ZodError, what: string): ApiError {
  return new ApiError(400, "invalid_request", `The ${what} was not accepted. ${describeIssues(err.issues)}`, issuesOf(err));
}

/** The largest request body the API reads, and how deeply its JSON may nest. */
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 32;

/** How deeply a JSON text nests arrays and objects, counted without parsing (so without recursion). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") max = Math.max(max, ++depth);
    else if (c === "}" || c === "]") depth--;
  }
  return max;
}

/** A NUL anywhere in a parsed body or query, answered as a 400 naming the field. */
function refuseNul(value: unknown, what: string): void {
  const at = findNul(value);
  if (at === null) return;
  const path = at.replace(/\u0000/g, "\\0");
  const where = path ? `The field "${path}"` : `The ${what}`;
  throw new ApiError(400, "invalid_request", `${where} contains a NUL character (\\u0000), which no field accepts.`, [
    { path, message: "Contains a NUL character." },
  ]);
}

/** Parses the JSON body with a schema; a missing or malformed body is a 400 with the issues. */
export async function parseBody<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.output<S>> {
  let raw: unknown = {};
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, "too_large", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new ApiError(413, "too_large", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  if (text.trim()) {
    if (jsonDepth(text) > MAX_JSON_DEPTH)
      throw new ApiError(400, "invalid_json", `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
    }
  }
  refuseNul(raw, "request body");
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error, "request body");
  return parsed.data;
}

/** The request body as text (a YAML or JSON file), within the body limit and without NUL characters. */
export async function readTextBody(req: NextRequest, what = "request body"): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, "too_large", `The ${what} is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  const text = await req.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw new ApiError(413, "too_large", `The ${what} is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  if (hasNul(text)) throw new ApiError(400, "invalid_request", `The ${what} contains a NUL character (\\u0000), which no file has.`);
  if (!text.trim()) throw new ApiError(400, "invalid_request", `The ${what} is empty: send the experiment file (YAML or JSON) as the body.`);
  return text;
}

/** Parses the query string with a schema (each parameter once). */
export function parseQuery<S extends z.ZodType>(req: NextRequest, schema: S): z.output<S> {
  const raw = Object.fromEntries(req.nextUrl.searchParams);
  if (Object.entries(raw).some(([k, v]) => hasNul(k) || hasNul(v)))
    throw new ApiError(400, "invalid_request", "A query parameter contains a NUL character (%00), which no parameter accepts.");
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error, "query");
  return parsed.data;
}

// How each refusal of a run reads over HTTP: a bad request, a missing object, a conflict with
// the team's limits, or a plan the safety rules refuse.
const REFUSAL_STATUS: Record<RefusalCode, number> = {
  "unknown-action": 404,
  "invalid-params": 400,
  "empty-selection": 422,
  "not-found": 404,
  "protected-namespace": 422,
  "blast-radius": 422,
  "confirmation-required": 422,
  "missing-permissions": 422,
  "pod-security": 422,
  "concurrency-limit": 429,
  "trial-limit": 429,
  "plan-changed": 409,
  "cluster-unreachable": 502,
};

// How each refusal of an experiment reads over HTTP.
const EXPERIMENT_STATUS: Record<ExperimentError["code"], [number, string]> = {
  "not-found": [404, "not_found"],
  "cluster-not-found": [404, "not_found"],
  "invalid-definition": [400, "invalid_request"],
  "name-taken": [409, "name_taken"],
  "version-conflict": [409, "version_conflict"],
  busy: [409, "busy"],
};

const log = createLogger("api");

/** Answers the errors the domain throws in the API's one shape; anything else is a logged 500. */
export function handleApiError(err: unknown): Response {
  if (err instanceof ApiError) {
    return NextResponse.json({ error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } }, { status: err.status });
  }
  if (err instanceof RunRefusedError) return apiError(REFUSAL_STATUS[err.code], err.code.replace(/-/g, "_"), err.message);
  if (err instanceof ExperimentError) {
    const [status, code] = EXPERIMENT_STATUS[err.code];
    return NextResponse.json({ error: { code, message: err.message, ...(err.errors.length ? { issues: err.errors } : {}) } }, { status });
  }
  if (err instanceof ShareLinkError) return apiError(404, "not_found", err.message);
  const outage = outageOf(err);
  if (outage) {
    log.warn({ outage }, "answered 503: a dependency is not answering");
    return outageResponse(outage);
  }
  log.error({ err: err instanceof Error ? err.message : String(err) }, "api request failed");
  return apiError(500, "internal", "Something went wrong on the server. Try again; if it persists, tell the operator.");
}

/** Runs a handler body, turning known errors into JSON answers. */
export async function answer(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    return handleApiError(err);
  }
}

/** The JSON answer for a method a route does not offer (after the team gate, so outsiders still get 404). */
export function methodNotAllowed(allowed: string[]): Response {
  return NextResponse.json(
    { error: { code: "method_not_allowed", message: `Use ${allowed.join(" or ")}.` } },
    { status: 405, headers: { allow: allowed.join(", ") } },
  );
}
