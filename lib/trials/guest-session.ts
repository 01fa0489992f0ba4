import { encode } from "next-auth/jwt";
import { env } from "@/lib/env";
import { authSecret } from "@/lib/auth/secret";

export interface SessionCookie {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean; maxAge: number };
}

/**
 * The next-auth session cookie of a guest, minted on the server so "Try it now" signs the
 * visitor in within the same response. It carries exactly what next-auth's own jwt callback
 * puts in a token (lib/auth/auth-options.ts), so every later request reads it like any other.
 */
export async function guestSessionCookie(user: { id: string; name: string; email: string; sessionVersion: number }, maxAgeSeconds: number): Promise<SessionCookie> {
  // next-auth's rule: secure cookies (with the __Secure- prefix) when the site is served over HTTPS.
  const secure = env().NEXTAUTH_URL.startsWith("https://");
  const value = await encode({
    secret: authSecret(),
    maxAge: maxAgeSeconds,
    token: { sub: user.id, name: user.name, email: user.email, uid: user.id, sv: user.sessionVersion },
  });
  return {
    name: `${secure ? "__Secure-" : ""}next-auth.session-token`,
    value,
    options: { httpOnly: true, sameSite: "lax", path: "/", secure, maxAge: maxAgeSeconds },
  };
}
