"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import { LinkSent } from "../_mail/link-sent";
import { forgotPasswordAction, type ForgotPasswordState } from "./actions";

export function ForgotPasswordForm() {
  const [state, action, pending] = useActionState<ForgotPasswordState | null, FormData>(forgotPasswordAction, null);
  if (state?.ok) {
    return (
      <LinkSent email={state.email} delivery={state.delivery}>
        If an account uses this address, the mail holds a link to choose a new password. The link works once, for one
        hour.
      </LinkSent>
    );
  }
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.error ? <Alert>{state.error}</Alert> : null}
      <FormField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        defaultValue={state?.email}
        error={state?.emailError}
        maxLength={254}
        required
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Sending…" : "Send me a link"}
      </Button>
    </form>
  );
}
