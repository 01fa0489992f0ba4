"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";

const PROVIDER_ERRORS: Record<string, string> = {
  unverified: "That account's email address is not verified with the provider.",
  OAuthSignin: "Could not reach the sign-in provider. Try again.",
  OAuthCallback: "The sign-in provider answered with an error. Try again.",
};

// The same sentences as the server's (lib/auth/authorize-credentials.ts), said before asking it.
function missingField(email: string, password: string): string | undefined {
  if (!email.trim() && !password) return "Enter your email address and your password.";
  if (!email.trim()) return "Enter your email address.";
  if (!password) return "Enter your password.";
  return undefined;
}

export function SignInForm({
  callbackUrl,
  oauth,
  initialError,
  notice,
}: {
  callbackUrl: string;
  oauth: { id: string; name: string }[];
  initialError?: string;
  /** A confirmation to show above the form (an address just confirmed, a password just set). */
  notice?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>(
    initialError ? (PROVIDER_ERRORS[initialError] ?? undefined) : undefined,
  );
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    const missing = missingField(email, password);
    if (missing) {
      setError(missing);
      return;
    }
    setPending(true);
    setError(undefined);
    const res = await signIn("credentials", { email, password, redirect: false });
    setPending(false);
    if (!res || res.error) {
      setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Wrong email or password.");
      return;
    }
    router.push(callbackUrl);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {notice && !error ? <Alert tone="green">{notice}</Alert> : null}
        {error ? <Alert>{error}</Alert> : null}
        <FormField label="Email" name="email" type="email" autoComplete="email" required maxLength={254} />
        <FormField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={200}
        />
        <p className="-mt-2 text-right text-sm">
          <Link className="font-medium text-brand-600 hover:underline" href="/forgot-password">
            Forgot your password?
          </Link>
        </p>
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {oauth.length ? (
        <div className="space-y-2 border-t border-slate-200 pt-4">
          {oauth.map((p) => (
            <Button
              key={p.id}
              variant="secondary"
              className="w-full"
              onClick={() => signIn(p.id, { callbackUrl })}
            >
              Continue with {p.name}
            </Button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
