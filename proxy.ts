import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { baseSecurityHeaders, contentSecurityPolicy, newNonce, refuseActionBody, refuseUnusableUrl } from "@/lib/http";

// Every request but static files passes here first:
// 1. input no handler can take (a NUL in the address or a form, a server-action body over the
//    limit) is answered with a 4xx and a sentence;
// 2. a visitor with no session cookie at all who asks for a team page or team creation goes to
//    sign in, keeping the full address to return to. The real check (valid session, membership,
//    role) is lib/tenancy's gate inside every page and action;
// 3. every answer gets the security headers, and pages a Content-Security-Policy with a nonce
//    of their own (Next.js puts it on its scripts; the root layout renders every page per request).
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const SIGNED_IN_ONLY = /^\/(t|teams)(\/|$)/;

function hasSessionCookie(req: NextRequest): boolean {
  return req.cookies.getAll().some((c) => SESSION_COOKIES.some((n) => c.name === n || c.name.startsWith(`${n}.`)));
}

function signInRedirect(req: NextRequest): NextResponse {
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = `?callbackUrl=${encodeURIComponent(req.nextUrl.pathname + req.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export async function proxy(req: NextRequest): Promise<NextResponse> {
  const https = new URL(env().NEXTAUTH_URL).protocol === "https:";
  const withHeaders = (res: NextResponse, csp?: string) => {
    for (const [k, v] of Object.entries(baseSecurityHeaders({ https }))) res.headers.set(k, v);
    res.headers.set("content-security-policy", csp ?? "frame-ancestors 'none'");
    return res;
  };

  const refused = refuseUnusableUrl(req) ?? (await refuseActionBody(req));
  if (refused) return withHeaders(refused);
  if (SIGNED_IN_ONLY.test(req.nextUrl.pathname) && !hasSessionCookie(req)) return withHeaders(signInRedirect(req));
  if (req.nextUrl.pathname.startsWith("/api/")) return withHeaders(NextResponse.next());

  const csp = contentSecurityPolicy(newNonce(), { dev: process.env.NODE_ENV !== "production", https });
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", csp);
  return withHeaders(NextResponse.next({ request: { headers } }), csp);
}

export const config = {
  // Everything except static files (next.config.mjs gives them the headers that need no request).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|screenshots/).*)"],
};
