"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { renameTeamAction } from "./actions";

export function RenameTeamForm({ slug, name, canEdit }: { slug: string; name: string; canEdit: boolean }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(renameTeamAction, null);
  return (
    <form action={action} className="max-w-md space-y-3">
      <input type="hidden" name="slug" value={slug} />
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      {state?.ok ? <Alert tone="green">{state.message}</Alert> : null}
      <FormField
        label="Team name"
        name="name"
        defaultValue={state && !state.ok ? (state.values?.name ?? name) : name}
        disabled={!canEdit}
        error={state && !state.ok ? state.fieldErrors?.name?.[0] : undefined}
        hint={canEdit ? undefined : "Only owners and admins can rename the team."}
      />
      {canEdit ? (
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </Button>
      ) : null}
    </form>
  );
}
