import { NextResponse, type NextRequest } from "next/server";

// A quick first check before rendering: a visitor with no session cookie at all who asks for a
// team page or team creation goes to sign in, keeping the full address to return to. The real
// check (valid session, membership, role) is lib/tenancy's gate inside every page and action.
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(req: NextRequest) {
  const hasSession = req.cookies
    .getAll()
    .some((c) => SESSION_COOKIES.some((n) => c.name === n || c.name.startsWith(`${n}.`)));
  if (hasSession) return NextResponse.next();
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = `?callbackUrl=${encodeURIComponent(req.nextUrl.pathname + req.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = { matcher: ["/t/:path*", "/teams/:path*"] };
