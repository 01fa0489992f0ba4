import Link from "next/link";
import { findAccountToken } from "@/lib/auth";
import { Alert } from "@/app/_components/ui";
import { ConfirmEmailForm } from "./confirm-form";

export const metadata = { title: "Confirm your email address", referrer: "no-referrer" };

// /verify-email/<token>: the link from a confirmation mail (sign-up, or keeping a trial).
export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const row = await findAccountToken(token, "EMAIL_VERIFICATION");
  const keepsTrial = Boolean((row?.data as { keepTrial?: unknown } | null)?.keepTrial);
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Confirm your email address</h1>
      {row ? (
        <>
          <p className="mb-5 text-sm text-slate-600">
            Confirm that <strong className="break-all">{row.email}</strong> is yours
            {keepsTrial ? " to keep your trial under it." : ", then sign in with the password you chose."}
          </p>
          <ConfirmEmailForm token={token} />
        </>
      ) : (
        <div className="mt-4 space-y-4">
          <Alert>This link has expired or was already used. Sign up again with the same address to get a new one.</Alert>
          <p className="text-sm">
            <Link className="font-medium text-brand-600 hover:underline" href="/signin">
              Sign in
            </Link>{" "}
            ·{" "}
            <Link className="font-medium text-brand-600 hover:underline" href="/signup">
              Sign up
            </Link>
          </p>
        </div>
      )}
    </>
  );
}
