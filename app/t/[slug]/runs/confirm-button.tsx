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
    // Its parts join the surrounding row of buttons (a page header's actions), and the answer
    // takes a line of its own below that row: the buttons do not move when it appears.
    <div className="contents">
      {/* The button stays where it is while the question is open; the question takes a line of
          its own below the row, as the answer does. */}
      <Button type="button" variant="danger" aria-expanded={asking} onClick={() => setAsking(!asking)}>
        {label}
      </Button>
      {asking ? (
        <div className="flex basis-full justify-end">
          <form action={formAction} className="flex max-w-md flex-wrap items-center justify-end gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2">
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
        </div>
      ) : null}
      {state ? (
        <div className="flex basis-full justify-end">
          <Alert tone={state.ok ? "green" : "red"}>{state.ok ? state.message : state.error}</Alert>
        </div>
      ) : null}
    </div>
  );
}
