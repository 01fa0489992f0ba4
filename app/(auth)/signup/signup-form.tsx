"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import { LinkSent } from "../_mail/link-sent";
import { signUpAction, type SignUpState } from "./actions";

/** `next`: where to go once the address is confirmed and the person signed in (an invitation). */
export function SignUpForm({ next }: { next?: string } = {}) {
  const [state, action, pending] = useActionState<SignUpState | null, FormData>(signUpAction, null);

  if (state?.ok) {
    return (
      <LinkSent email={state.email} delivery={state.delivery}>
        Open the link in it to confirm your address, then sign in. The link works once, for 24 hours.
      </LinkSent>
    );
  }
  // While a corrected form is being sent, the previous answer's errors no longer apply.
  const fe = state && !state.ok && !pending ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state && !state.ok && state.error && !pending ? <Alert>{state.error}</Alert> : null}
      {next ? <input type="hidden" name="next" value={next} /> : null}
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
        hint="At least 8 characters and hard to guess: three or four unrelated words work well."
        error={fe?.password?.[0]}
        maxLength={200}
        required
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
