"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { createTeamAction } from "./actions";

export function CreateTeamForm() {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(createTeamAction, null);
  return (
    <form action={action} className="space-y-4">
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      <FormField
        label="Team name"
        name="name"
        required
        maxLength={60}
        defaultValue={state && !state.ok ? state.values?.name : undefined}
        error={state && !state.ok ? state.fieldErrors?.name?.[0] : undefined}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create team"}
      </Button>
    </form>
  );
}
