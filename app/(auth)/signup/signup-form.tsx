"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import { signUpAction, type SignUpState } from "./actions";

/** `next`: where to go once signed in (an invitation to accept); the new team otherwise. */
export function SignUpForm({ next }: { next?: string } = {}) {
  const router = useRouter();
  const password = useRef("");
  const email = useRef("");
  const [state, action, pending] = useActionState<SignUpState | null, FormData>(signUpAction, null);

  // The account exists now: sign in with the same credentials and open the new team.
  useEffect(() => {
    if (!state?.ok) return;
    void signIn("credentials", { email: email.current, password: password.current, redirect: false }).then(
      () => {
        router.push(next ?? `/t/${state.teamSlug}`);
        router.refresh();
      },
    );
  }, [state, router, next]);

  const fe = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form
      action={action}
      onSubmit={(e) => {
        const f = new FormData(e.currentTarget);
        password.current = String(f.get("password") ?? "");
        email.current = String(f.get("email") ?? "");
      }}
      className="space-y-4"
      noValidate
    >
      {state && !state.ok && state.error ? <Alert>{state.error}</Alert> : null}
      <FormField
        label="Name"
        name="name"
        autoComplete="name"
        defaultValue={values?.name}
        error={fe?.name?.[0]}
        maxLength={80}
        required
      />
      <FormField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        defaultValue={values?.email}
        error={fe?.email?.[0]}
        maxLength={254}
        required
      />
      <FormField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters."
        error={fe?.password?.[0]}
        maxLength={200}
        required
      />
      <Button type="submit" className="w-full" disabled={pending || state?.ok}>
        {pending || state?.ok ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
