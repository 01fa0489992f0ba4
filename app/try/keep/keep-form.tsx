"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import { LinkSent } from "@/app/(auth)/_mail/link-sent";
import { keepTrialAction, type KeepTrialState } from "./actions";

export function KeepTrialForm() {
  const [state, action, pending] = useActionState<KeepTrialState | null, FormData>(keepTrialAction, null);
  if (state?.sent) {
    return (
      <LinkSent email={state.sent.email} delivery={state.sent.delivery}>
        Open the link in it, before the trial ends, to keep your trial under this address.
      </LinkSent>
    );
  }
  const fe = state?.fieldErrors;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.error ? <Alert>{state.error}</Alert> : null}
      <FormField label="Name" name="name" autoComplete="name" defaultValue={state?.values?.name} error={fe?.name?.[0]} maxLength={80} required />
      <FormField label="Email" name="email" type="email" autoComplete="email" defaultValue={state?.values?.email} error={fe?.email?.[0]} maxLength={254} required />
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
        {pending ? "Sending the link…" : "Keep this trial"}
      </Button>
    </form>
  );
}
