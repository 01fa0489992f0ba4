"use client";

import { useActionState, useState } from "react";
import type { ActionResult } from "@/lib/tenancy";
import { Alert, Button } from "@/app/_components/ui";

/**
 * A dangerous button that asks once more before it acts (halt all, abort): the first click
 * shows what will happen and a confirm button; the server action then runs with the hidden fields.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  fields,
  action,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  fields: Record<string, string>;
  action: (prev: ActionResult | null, form: FormData) => Promise<ActionResult>;
}) {
  const [state, formAction, pending] = useActionState<ActionResult | null, FormData>(action, null);
  const [asking, setAsking] = useState(false);
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    setAsking(false);
  }
  return (
    <div className="flex flex-col items-end gap-2">
      {asking ? (
        <form action={formAction} className="flex flex-wrap items-center justify-end gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2">
          {Object.entries(fields).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <span className="text-sm text-red-900">{question}</span>
          <Button type="submit" variant="danger" disabled={pending}>
            {pending ? "Working…" : confirmLabel}
          </Button>
          <Button type="button" variant="ghost" onClick={() => setAsking(false)} disabled={pending}>
            Cancel
          </Button>
        </form>
      ) : (
        <Button type="button" variant="danger" onClick={() => setAsking(true)}>
          {label}
        </Button>
      )}
      {state ? <Alert tone={state.ok ? "green" : "red"}>{state.ok ? state.message : state.error}</Alert> : null}
    </div>
  );
}
