"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { deleteClusterAction, recheckClusterAction, renameClusterAction } from "./actions";

type Target = { slug: string; clusterId: string };

function Hidden({ slug, clusterId }: Target) {
  return (
    <>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="clusterId" value={clusterId} />
    </>
  );
}

function Feedback({ state }: { state: ActionResult | null }) {
  if (!state) return null;
  return state.ok ? (state.message ? <Alert tone="green">{state.message}</Alert> : null) : <Alert>{state.error}</Alert>;
}

export function RecheckForm(target: Target) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(recheckClusterAction, null);
  return (
    <form action={action} className="space-y-3">
      <Hidden {...target} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Checking…" : "Re-check"}
      </Button>
      <Feedback state={state} />
    </form>
  );
}

export function RenameClusterForm({ name, ...target }: Target & { name: string }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(renameClusterAction, null);
  const failed = state && !state.ok ? state : null;
  return (
    <form action={action} className="max-w-md space-y-3">
      <Hidden {...target} />
      <Feedback state={state} />
      <FormField
        label="Cluster name"
        name="name"
        // The key makes the field take the new name after a rename or a refused one.
        key={failed?.values?.name ?? name}
        defaultValue={failed?.values?.name ?? name}
        maxLength={200}
        error={failed?.fieldErrors?.name?.[0]}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Rename"}
      </Button>
    </form>
  );
}

export function DeleteClusterForm({ name, sandbox, ...target }: Target & { name: string; sandbox: boolean }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(deleteClusterAction, null);
  const failed = state && !state.ok ? state : null;
  return (
    <form action={action} className="max-w-md space-y-3">
      <Hidden {...target} />
      <p className="text-sm text-slate-600">
        Deleting removes the stored credentials and this cluster&apos;s runs and schedules from Pystol.
        {sandbox ? " The sandbox's virtual cluster is deleted too." : " Nothing in the cluster itself is changed."}
      </p>
      {failed && !failed.fieldErrors ? <Alert>{failed.error}</Alert> : null}
      <FormField
        label={`Type "${name}" to confirm`}
        name="confirm"
        key={failed?.values?.confirm ?? ""}
        defaultValue={failed?.values?.confirm ?? ""}
        autoComplete="off"
        error={failed?.fieldErrors?.confirm?.[0]}
      />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Deleting…" : "Delete cluster"}
      </Button>
    </form>
  );
}
