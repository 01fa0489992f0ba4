"use client";

import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { saveProtectedNamespacesAction } from "./actions";

/** The team's protected namespaces, one per line; kube-system is always among them. */
export function ProtectedNamespacesForm({ slug, namespaces, always, canEdit }: { slug: string; namespaces: string[]; always: readonly string[]; canEdit: boolean }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(saveProtectedNamespacesAction, null);
  const failed = state && !state.ok ? state : null;
  const error = failed?.fieldErrors?.namespaces?.[0];
  const own = namespaces.filter((n) => !always.includes(n)).join("\n");
  return (
    <form action={action} className="max-w-md space-y-3">
      <input type="hidden" name="slug" value={slug} />
      {failed && !failed.fieldErrors ? <Alert>{failed.error}</Alert> : null}
      {state?.ok ? <Alert tone="green">{state.message}</Alert> : null}
      <div className="space-y-1">
        <label htmlFor="protected-namespaces" className="block text-sm font-medium text-slate-700">
          Protected namespaces
        </label>
        <textarea
          id="protected-namespaces"
          name="namespaces"
          rows={4}
          disabled={!canEdit}
          defaultValue={failed?.values?.namespaces ?? own}
          placeholder="e.g. payments"
          aria-invalid={error ? true : undefined}
          aria-describedby="protected-namespaces-help"
          className={`block w-full rounded-md border bg-white px-3 py-2 font-mono text-sm shadow-sm outline-none placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 disabled:bg-slate-50 ${error ? "border-red-400" : "border-slate-300"}`}
        />
        {error ? (
          <p id="protected-namespaces-help" className="text-xs text-red-700">
            {error}
          </p>
        ) : (
          <p id="protected-namespaces-help" className="text-xs text-slate-500">
            One namespace per line. No run touches their objects: a plan there is refused, a drain leaves their pods. {always.join(", ")} is always protected.
            {canEdit ? "" : " Only owners and admins can change this list."}
          </p>
        )}
      </div>
      {canEdit ? (
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save protected namespaces"}
        </Button>
      ) : null}
    </form>
  );
}
