import { NextResponse, type NextRequest } from "next/server";
import { SERVER_ACTION_BODY_LIMIT } from "./body-limit.mjs";

// Checks every request passes before any page, action or route handler sees it: values that
// no handler can store (PostgreSQL text refuses U+0000) and server-action bodies larger than
// Next.js accepts are answered here with a 4xx and a sentence, instead of a 500 deeper down.

const NUL_IN_URL = "The address contains a NUL character (%00), which no page or parameter accepts. Remove it and try again.";
const NUL_IN_FORM = "A form field contains a NUL character, which no field accepts. Remove it and send the form again.";
const TOO_LARGE = `The form is larger than ${SERVER_ACTION_BODY_LIMIT / 1024 / 1024} MiB, the most this site accepts. A kubeconfig, the largest thing a form takes, is far smaller: check that you chose the right file.`;

function refuse(req: NextRequest, status: 400 | 413, message: string): NextResponse {
  if (req.nextUrl.pathname.startsWith("/api/")) {
    const code = status === 413 ? "too_large" : "invalid_request";
    return NextResponse.json({ error: { code, message } }, { status });
  }
  return new NextResponse(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * A 400 for an address no page can use, or null: a NUL in its path or query (encoded or not).
 * `callbackUrl` is not refused here: the sign-in pages parse it against the site's origin
 * (lib/auth/callback-url.ts) and send anything else, line breaks and "。" included, to the
 * start page, which is what a person who followed a bad link needs.
 */
export function refuseUnusableUrl(req: NextRequest): NextResponse | null {
  const raw = req.nextUrl.pathname + req.nextUrl.search;
  if (/%00|\u0000/i.test(raw)) return refuse(req, 400, NUL_IN_URL);
  for (const [k, v] of req.nextUrl.searchParams) if (k.includes("\u0000") || v.includes("\u0000")) return refuse(req, 400, NUL_IN_URL);
  return null;
}

// A JSON string escape of U+0000 that is not itself an escaped backslash ("\\u0000" is text).
const JSON_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/**
 * For a server action (a POST with a Next-Action header): a 413 for a body over the limit and
 * a 400 for a NUL in any field, or null. Action bodies are multipart forms (a NUL is a raw
 * byte), urlencoded forms without JavaScript (%00) or React's JSON-encoded arguments (\u0000).
 */
export async function refuseActionBody(req: NextRequest): Promise<NextResponse | null> {
  if (req.method !== "POST" || !req.headers.has("next-action")) return null;
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > SERVER_ACTION_BODY_LIMIT) return refuse(req, 413, TOO_LARGE);
  const bytes = new Uint8Array(await req.clone().arrayBuffer());
  if (bytes.byteLength > SERVER_ACTION_BODY_LIMIT) return refuse(req, 413, TOO_LARGE);
  if (bytes.includes(0)) return refuse(req, 400, NUL_IN_FORM);
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  const text = new TextDecoder().decode(bytes);
  if (type.startsWith("application/x-www-form-urlencoded") && /%00/i.test(text)) return refuse(req, 400, NUL_IN_FORM);
  if (!type.startsWith("multipart/") && JSON_NUL.test(text)) return refuse(req, 400, NUL_IN_FORM);
  return null;
}
