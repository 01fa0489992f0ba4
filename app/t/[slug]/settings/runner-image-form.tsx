"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import type { RunnerImageSummary } from "@/lib/teams/runner-image";
import { saveRunnerImageAction } from "./actions";

/**
 * The image the team's network, DNS, HTTP, CPU, memory and process faults start in the target
 * pod; empty means the installation's, shown as the placeholder.
 */
export function RunnerImageForm({ slug, current, canEdit, isTrial }: { slug: string; current: RunnerImageSummary; canEdit: boolean; isTrial: boolean }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(saveRunnerImageAction, null);
  const failed = state && !state.ok ? state : null;
  const editable = canEdit && !isTrial;
  const registries = current.allowedRegistries.length > 0 ? ` Allowed registries: ${current.allowedRegistries.join(", ")}.` : "";
  const hint = isTrial
    ? "A trial uses the installation's runner image. Keep the trial as an account to choose your own."
    : !canEdit
      ? "Only owners and admins can change the runner image."
      : `Every cluster this team runs faults on must be able to pull it. Leave empty for the installation's image.${registries}`;
  return (
    <form action={action} className="max-w-xl space-y-3">
      <input type="hidden" name="slug" value={slug} />
      <p className="text-sm text-slate-600">
        Network, DNS, HTTP, CPU, memory and process faults start this image in the target pod, where it applies the fault and removes it at the end.
      </p>
      {failed && !failed.fieldErrors ? <Alert>{failed.error}</Alert> : null}
      {state?.ok ? <Alert tone="green">{state.message}</Alert> : null}
      <FormField
        label="Fault runner image"
        name="image"
        defaultValue={failed?.values?.image ?? current.image ?? ""}
        placeholder={current.installationDefault}
        disabled={!editable}
        spellCheck={false}
        autoComplete="off"
        error={failed?.fieldErrors?.image?.[0]}
        hint={hint}
      />
      <p className="text-sm text-slate-600">
        Now: <span className="break-all font-mono">{current.image ?? current.installationDefault}</span>{" "}
        {current.image ? "(this team's own)" : "(the installation's default)"}
      </p>
      {editable ? (
        <div className="flex flex-wrap gap-2">
          <Button type="submit" name="intent" value="save" disabled={pending}>
            {pending ? "Saving…" : "Save"}
          </Button>
          {current.image ? (
            <Button type="submit" name="intent" value="default" variant="secondary" disabled={pending}>
              Use the default
            </Button>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
