"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import { resetPasswordAction, type ResetPasswordState } from "./actions";

export function ResetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const password = useRef("");
  const [state, action, pending] = useActionState<ResetPasswordState | null, FormData>(resetPasswordAction, null);

  // The password is set and every session ended: sign in with the new one.
  useEffect(() => {
    if (!state?.ok) return;
    void signIn("credentials", { email: state.email, password: password.current, redirect: false }).then((res) => {
      router.push(res && !res.error ? "/" : "/signin?notice=password-reset");
      router.refresh();
    });
  }, [state, router]);

  return (
    <form
      action={action}
      onSubmit={(e) => {
        password.current = String(new FormData(e.currentTarget).get("password") ?? "");
      }}
      className="space-y-4"
      noValidate
    >
      {state && !state.ok && state.error ? (
        <Alert>
          {state.error}{" "}
          <Link className="font-medium underline" href="/forgot-password">
            Ask for a new link
          </Link>
        </Alert>
      ) : null}
      {state?.ok ? <Alert tone="green">Your new password is set. Signing you in…</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <FormField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters and hard to guess: three or four unrelated words work well. Setting it signs you out everywhere else."
        error={state && !state.ok ? state.passwordError : undefined}
        maxLength={200}
        required
      />
      <Button type="submit" className="w-full" disabled={pending || state?.ok}>
        {pending || state?.ok ? "Setting your password…" : "Set new password"}
      </Button>
    </form>
  );
}
