"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import { keepTrialAction, type KeepTrialState } from "./actions";

export function KeepTrialForm() {
  const [state, action, pending] = useActionState<KeepTrialState | null, FormData>(keepTrialAction, null);
  const fe = state?.fieldErrors;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.error ? <Alert>{state.error}</Alert> : null}
      <FormField label="Name" name="name" autoComplete="name" defaultValue={state?.values?.name} error={fe?.name?.[0]} maxLength={80} required />
      <FormField label="Email" name="email" type="email" autoComplete="email" defaultValue={state?.values?.email} error={fe?.email?.[0]} maxLength={254} required />
      <FormField label="Password" name="password" type="password" autoComplete="new-password" hint="At least 8 characters." error={fe?.password?.[0]} maxLength={200} required />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Keeping your trial…" : "Keep this trial"}
      </Button>
    </form>
  );
}
