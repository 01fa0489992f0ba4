"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/tenancy";
import { Button } from "@/app/_components/ui";

/** A one-click row action (pause, resume) whose answer replaces nothing: the list redraws. */
export function RowButton({ label, fields, action }: { label: string; fields: Record<string, string>; action: (prev: ActionResult | null, form: FormData) => Promise<ActionResult> }) {
  const [state, formAction, pending] = useActionState<ActionResult | null, FormData>(action, null);
  return (
    <form action={formAction} className="inline-flex items-center gap-2">
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Button type="submit" variant="secondary" disabled={pending}>
        {label}
      </Button>
      {state && !state.ok ? <span className="text-xs text-red-700">{state.error}</span> : null}
    </form>
  );
}
