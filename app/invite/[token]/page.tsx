import type { Metadata } from "next";
import Link from "next/link";
import { getSessionUser } from "@/lib/auth";
import { listUserTeams } from "@/lib/tenancy";
import { ROLE_LABELS } from "@/lib/rbac/permissions";
import { previewInvite } from "@/lib/teams";
import { Alert, ButtonLink } from "@/app/_components/ui";
import { AcceptInviteForm } from "./accept-form";

// The token is in this page's address: no Referer header may carry it elsewhere, and no
// search engine may keep it.
export const metadata: Metadata = {
  title: "Team invitation",
  referrer: "no-referrer",
  robots: { index: false, follow: false },
};

const CLOSED = {
  unknown: "This invitation link is not valid. Check that you copied all of it.",
  expired: "This invitation has expired. Ask the person who invited you for a new link.",
  used: "This invitation has already been used. Ask the person who invited you for a new link.",
  revoked: "This invitation was withdrawn. Ask the person who invited you for a new link.",
} as const;

// /invite/<token> — shows which team and role an invitation offers; a signed-in person
// accepts it, anyone else signs in or creates an account first and comes back here.
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invite, user] = await Promise.all([previewInvite(token), getSessionUser()]);
  const here = `/invite/${encodeURIComponent(token)}`;
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <Link href="/" className="mb-8 flex items-center gap-2 text-lg font-semibold">
        <span aria-hidden className="inline-block h-6 w-6 rounded bg-brand-600" /> Pystol
      </Link>
      <div className="w-full max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        {invite.status !== "open" ? (
          <>
            <h1 className="text-xl font-semibold">Invitation not available</h1>
            <Alert tone="amber">{CLOSED[invite.status]}</Alert>
            <ButtonLink href="/" variant="secondary">
              Go to Pystol
            </ButtonLink>
          </>
        ) : (
          <>
            <h1 className="text-xl font-semibold">Join {invite.teamName}</h1>
            <p className="text-sm text-slate-600">
              {invite.invitedBy} invites you to the team <strong>{invite.teamName}</strong> as{" "}
              <strong>{ROLE_LABELS[invite.role as keyof typeof ROLE_LABELS]}</strong>. The link expires on{" "}
              {invite.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC.
            </p>
            {!user ? (
              <div className="space-y-2">
                <ButtonLink href={`/signin?callbackUrl=${encodeURIComponent(here)}`}>
                  Sign in to accept
                </ButtonLink>
                <p className="text-sm text-slate-600">
                  New to Pystol?{" "}
                  <Link
                    className="font-medium text-brand-600 hover:underline"
                    href={`/signup?callbackUrl=${encodeURIComponent(here)}`}
                  >
                    Create an account
                  </Link>
                  , then accept.
                </p>
              </div>
            ) : (await listUserTeams(user.id)).some((m) => m.team.slug === invite.teamSlug) ? (
              <>
                <Alert tone="amber">You are already a member of {invite.teamName}.</Alert>
                <ButtonLink href={`/t/${invite.teamSlug}`}>Open {invite.teamName}</ButtonLink>
              </>
            ) : (
              <>
                <p className="text-sm text-slate-600">You are signed in as {user.email}.</p>
                <AcceptInviteForm token={token} teamName={invite.teamName} />
              </>
            )}
          </>
        )}
      </div>
    </main>
  );
}
