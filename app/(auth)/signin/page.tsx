import Link from "next/link";
import { redirect } from "next/navigation";
import { enabledOAuthProviders, getSessionUser } from "@/lib/auth";
import { SignInForm } from "./signin-form";

export const metadata = { title: "Sign in" };

// Only same-site paths are followed after sign-in, never another origin.
function safeCallback(raw: string | string[] | undefined): string {
  const v = typeof raw === "string" ? raw : "/";
  return v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : "/";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
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
      />
    </>
  );
}
