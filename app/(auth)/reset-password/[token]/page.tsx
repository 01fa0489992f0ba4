import Link from "next/link";
import { EXPIRED_RESET_LINK, findAccountToken } from "@/lib/auth";
import { Alert } from "@/app/_components/ui";
import { ResetPasswordForm } from "./reset-form";

export const metadata = { title: "Choose a new password", referrer: "no-referrer" };

// /reset-password/<token>: the link from the reset mail. Opening it changes nothing; the form does.
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const valid = (await findAccountToken(token, "PASSWORD_RESET")) !== null;
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Choose a new password</h1>
      {valid ? (
        <>
          <p className="mb-5 text-sm text-slate-600">Your new password replaces the old one at once.</p>
          <ResetPasswordForm token={token} />
        </>
      ) : (
        <div className="mt-4 space-y-4">
          <Alert>{EXPIRED_RESET_LINK}</Alert>
          <Link className="text-sm font-medium text-brand-600 hover:underline" href="/forgot-password">
            Ask for a new link
          </Link>
        </div>
      )}
    </>
  );
}
