import Link from "next/link";
import { redirect } from "next/navigation";
import { enabledOAuthProviders, getSessionUser, safeCallbackPath } from "@/lib/auth";
import { SignInForm } from "./signin-form";

export const metadata = { title: "Sign in" };

// Messages other pages send people here with (?notice=…); never text from the address itself.
const NOTICES: Record<string, string> = {
  confirmed: "Your email address is confirmed. Sign in with the password you chose.",
  "password-reset": "Your new password is set and every other session has ended. Sign in with it.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  // Only a path on this site is followed after sign-in (lib/auth/callback-url.ts).
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Sign in</h1>
      <p className="mb-5 text-sm text-slate-600">
        New here?{" "}
        <Link
          className="font-medium text-brand-600 hover:underline"
          href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}
        >
          Create an account
        </Link>
      </p>
      <SignInForm
        callbackUrl={callbackUrl}
        oauth={enabledOAuthProviders()}
        initialError={typeof params.error === "string" ? params.error : undefined}
        notice={typeof params.notice === "string" && Object.hasOwn(NOTICES, params.notice) ? NOTICES[params.notice] : undefined}
      />
    </>
  );
}
