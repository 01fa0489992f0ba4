import type { NextRequest } from "next/server";
import { env } from "@/lib/env";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The origins the app's own pages are served from: the configured one and the one asked for. */
function ownOrigins(req: NextRequest): Set<string> {
  const origins = new Set([new URL(env().NEXTAUTH_URL).origin]);
  const host = req.headers.get("host");
  if (host) origins.add(`${req.nextUrl.protocol}//${host}`);
  return origins;
}

/**
 * Why a state-changing request authenticated by the session cookie is refused, or null when
 * it may go on. A browser attaches the cookie to requests any page starts, and a
 * `<form enctype="text/plain">` on a sibling origin can spell a JSON body; so the cookie
 * counts only for a request from the app's own origin (Origin, or Sec-Fetch-Site when a
 * browser sends no Origin) that carries `application/json`, which no form can send without
 * a CORS preflight. API tokens are not sent by browsers on their own and need none of this.
 */
export function sessionWriteRefusal(req: NextRequest): string | null {
  if (!STATE_CHANGING.has(req.method)) return null;
  const origin = req.headers.get("origin");
  const sameOrigin = origin ? ownOrigins(req).has(origin) : req.headers.get("sec-fetch-site") === "same-origin";
  if (!sameOrigin)
    return "Cross-site request refused: with a session, changes must come from this site's own pages. Scripts and CI use an API token (Authorization: Bearer pst_…).";
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json")
    return "Send the request body as JSON (Content-Type: application/json) or use an API token (Authorization: Bearer pst_…).";
  return null;
}
