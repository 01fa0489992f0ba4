"use client";

import { useActionState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import { runExperimentAction, type RunState } from "./actions";

/**
 * Run: starts an execution and goes to its page. When the plan needs the typed confirmation
 * (a protected namespace, a large share of a workload) the reason shows with an input for the
 * experiment's name, as the Run page asks for the action's id.
 */
export function RunExperimentButton({ slug, experimentId, name, compact = false }: { slug: string; experimentId: string; name: string; compact?: boolean }) {
  const [state, action, pending] = useActionState<RunState | null, FormData>(runExperimentAction, null);
  const confirming = state && !state.ok && state.confirmReason;
  return (
    <form action={action} className={`${compact ? "inline-flex flex-col items-end" : "flex flex-col items-end"} gap-2`}>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="experimentId" value={experimentId} />
      {confirming ? (
        <div className="w-full max-w-sm space-y-2 text-left">
          <Alert tone="amber">
            <span className="font-medium">This experiment needs your confirmation. </span>
            {state.confirmReason}
          </Alert>
          <FormField label={`Type ${name} to confirm`} name="confirm" autoComplete="off" defaultValue={state.values?.confirm ?? ""} />
        </div>
      ) : null}
      <Button type="submit" variant={compact ? "secondary" : "danger"} disabled={pending} aria-label={compact ? `Run ${name}` : undefined}>
        {pending ? "Starting…" : confirming ? "Run it" : "Run"}
      </Button>
      {state && !state.ok && !confirming ? (
        <div className="max-w-sm text-left">
          <Alert>{state.error}</Alert>
        </div>
      ) : null}
    </form>
  );
}
