import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";
import { env } from "@/lib/env";
import { clientIp, recordAudit } from "@/lib/audit";
import { authorizeCredentials, SignInError } from "./authorize-credentials";
import { upsertOAuthUser } from "./oauth-user";
import { authSecret } from "./secret";
import { gitHubProvider } from "./github-provider";
import { redirectOnSite } from "./callback-url";

type HeaderBag = Record<string, string | string[] | undefined> | undefined;

function firstHeader(headers: HeaderBag, name: string): string | null {
  const v = headers?.[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

// OAuth providers switch on only when their credentials are configured.
function oauthProviders(): NextAuthOptions["providers"] {
  const e = env();
  const list: NextAuthOptions["providers"] = [];
  if (e.GITHUB_ID && e.GITHUB_SECRET) list.push(gitHubProvider(e.GITHUB_ID, e.GITHUB_SECRET));
  if (e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET)
    list.push(GoogleProvider({ clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET }));
  return list;
}

/** Names of the OAuth providers in use, for the sign-in page. */
export function enabledOAuthProviders(): { id: string; name: string }[] {
  return oauthProviders().map((p) => ({ id: p.id, name: p.name }));
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials, req) {
          const headers = req?.headers as HeaderBag;
          const meta = {
            ip: clientIp((name) => firstHeader(headers, name)),
            userAgent: firstHeader(headers, "user-agent"),
          };
          try {
            const user = await authorizeCredentials(credentials, meta);
            return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
          } catch (err) {
            // next-auth passes the message of a thrown error to the sign-in page.
            if (err instanceof SignInError) throw new Error(err.message);
            throw new Error("Sign-in is unavailable right now. Try again in a minute.");
          }
        },
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      // Every redirect next-auth makes (after sign-in, sign-out, an OAuth round trip) stays on
      // this site; see lib/auth/callback-url.ts for why a string check is not enough.
      redirect({ url, baseUrl }) {
        return redirectOnSite(url, baseUrl);
      },
      async signIn({ user, account, profile }) {
        if (!account || account.provider === "credentials") return true;
        const p = profile as { email_verified?: boolean } | undefined;
        const dbUser = await upsertOAuthUser({
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          email: user.email ?? "",
          // Both providers' profiles say whether the address is verified (GitHub's through
          // gitHubProvider, Google's natively); only a verified address links or creates.
          emailVerified: p?.email_verified === true,
          name: user.name ?? "",
        });
        if (!dbUser) return "/signin?error=unverified";
        await recordAudit({
          action: "auth.signin",
          actorUserId: dbUser.id,
          data: { provider: account.provider },
        });
        user.id = dbUser.id;
        (user as { sv?: number }).sv = dbUser.sessionVersion;
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sv?: number }).sv ?? 0;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid, sv: token.sv };
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.uid) await recordAudit({ action: "auth.signout", actorUserId: String(token.uid) });
      },
    },
  };
}
