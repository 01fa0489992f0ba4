import GitHubProvider from "next-auth/providers/github";
import { z } from "zod";

const emailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/**
 * GitHub sign-in that reports an email only when GitHub has verified it. next-auth's own
 * provider falls back to any primary (or first) address, verified or not; accounts are linked
 * by email, so an unverified address must never reach that step.
 */
export function gitHubProvider(clientId: string, clientSecret: string) {
  return GitHubProvider({
    clientId,
    clientSecret,
    userinfo: {
      url: "https://api.github.com/user",
      async request({ tokens }) {
        const headers = {
          Authorization: `Bearer ${tokens.access_token}`,
          "User-Agent": "pystol",
          Accept: "application/vnd.github+json",
        };
        const profile = (await (await fetch("https://api.github.com/user", { headers })).json()) as Record<
          string,
          unknown
        >;
        const emails = emailsSchema.safeParse(
          await (await fetch("https://api.github.com/user/emails", { headers })).json(),
        );
        const verified = emails.success ? emails.data.find((e) => e.primary && e.verified) : undefined;
        return { ...profile, email: verified?.email ?? null, email_verified: Boolean(verified) } as never;
      },
    },
  });
}
