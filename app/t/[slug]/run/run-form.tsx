"use client";

import { useActionState, useState, type FormEvent } from "react";
import { SchemaForm } from "@/app/_components/schema-form";
import { useSubmitKeepingFields } from "@/app/_components/use-submit-keeping-fields";
import { FIELD_PREFIX, type SchemaField } from "@/app/_components/schema-fields";
import { Alert, Button, Card, FormField } from "@/app/_components/ui";
import { planOrStartRun, type PlanView as PlanData, type RunFormState } from "./actions";
import { PlanView } from "./plan-view";

export interface ActionChoice {
  id: string;
  title: string;
  description: string;
  fields: SchemaField[];
}

export interface ClusterChoice {
  id: string;
  name: string;
  status: string;
}

const selectClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:ring-2 focus:ring-brand-500";

// Keys with the "p." prefix are the action's parameters.
function unprefix<T>(o: Record<string, T> | undefined): Record<string, T> {
  return Object.fromEntries(
    Object.entries(o ?? {})
      .filter(([k]) => k.startsWith(FIELD_PREFIX))
      .map(([k, v]) => [k.slice(FIELD_PREFIX.length), v]),
  );
}

/** Choose a cluster, an action and its parameters; Plan shows the dry run; Start runs it. */
export function RunForm({
  slug,
  clusters,
  actions,
  initial,
}: {
  slug: string;
  clusters: ClusterChoice[];
  actions: ActionChoice[];
  initial: { actionId: string; clusterId: string };
}) {
  const [state, formAction, pending] = useActionState<RunFormState, FormData>(planOrStartRun, null);
  const [actionId, setActionId] = useState(initial.actionId);
  const [clusterId, setClusterId] = useState(initial.clusterId);
  const [plan, setPlan] = useState<PlanData | null>(null);
  const [stale, setStale] = useState(false);
  const [seen, setSeen] = useState<RunFormState>(null);
  // A new answer from the server: keep the plan it made, or drop the one it no longer stands by.
  if (state !== seen) {
    setSeen(state);
    if (state?.ok && state.data) {
      setPlan(state.data);
      setStale(false);
    } else if (state && !state.ok && state.refused !== "confirmation-required") {
      setPlan(null);
    }
  }
  const action = actions.find((a) => a.id === actionId);
  const error = state && !state.ok ? state : null;
  const keepTyped = error?.values?.actionId === actionId;
  const onSubmit = useSubmitKeepingFields(formAction);
  const onChange = (e: FormEvent<HTMLFormElement>) => {
    if ((e.target as HTMLInputElement).name !== "confirm") setStale(true);
  };

  return (
    <form action={formAction} onSubmit={onSubmit} onChange={onChange} className="space-y-4">
      <input type="hidden" name="slug" value={slug} />
      {/* The choices travel in hidden inputs from React's state, so they are sent as chosen
          even when the form is posted before the page's script runs. */}
      <input type="hidden" name="clusterId" value={clusterId} />
      <input type="hidden" name="actionId" value={actionId} />
      <Card title="What to run">
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor="run-cluster" className="block text-sm font-medium text-slate-700">
              Cluster
            </label>
            <select id="run-cluster" value={clusterId} onChange={(e) => setClusterId(e.target.value)} className={selectClass}>
              {clusters.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.status === "CONNECTED" ? "" : ` (${c.status.toLowerCase()})`}
                </option>
              ))}
            </select>
            {error?.fieldErrors?.clusterId ? <p className="text-xs text-red-700">{error.fieldErrors.clusterId[0]}</p> : null}
          </div>
          <div className="space-y-1">
            <label htmlFor="run-action" className="block text-sm font-medium text-slate-700">
              Action
            </label>
            <select id="run-action" value={actionId} onChange={(e) => setActionId(e.target.value)} className={selectClass}>
              {actions.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.title}
                </option>
              ))}
            </select>
            {error?.fieldErrors?.actionId ? <p className="text-xs text-red-700">{error.fieldErrors.actionId[0]}</p> : null}
          </div>
        </div>
        {action ? <p className="mt-3 text-sm text-slate-600">{action.description}</p> : null}
      </Card>

      {action ? (
        <Card title="Parameters">
          <SchemaForm
            key={action.id}
            fields={action.fields}
            values={keepTyped ? unprefix(error?.values) : undefined}
            errors={keepTyped ? unprefix(error?.fieldErrors) : undefined}
          />
        </Card>
      ) : null}

      {error ? (
        <Alert>
          {error.refused ? <span className="font-medium">Refused: </span> : null}
          {error.error}
        </Alert>
      ) : null}

      {plan && plan.actionId === actionId && plan.clusterId === clusterId ? (
        <Card title="Dry run">
          <div className="space-y-4">
            <PlanView plan={plan.plan} />
            <input type="hidden" name="planSeed" value={plan.planSeed} />
            <input type="hidden" name="expectedTargets" value={JSON.stringify(plan.targetKeys)} />
            {stale ? <Alert tone="amber">You changed the form since this plan: plan again before starting.</Alert> : null}
            {plan.confirmReason ? (
              <Alert tone="amber">
                <span className="font-medium">This run needs your confirmation. </span>
                {plan.confirmReason}
              </Alert>
            ) : null}
            {plan.confirmReason ? (
              <FormField
                label={`Type ${plan.actionId} to confirm`}
                name="confirm"
                autoComplete="off"
                defaultValue={error?.values?.confirm ?? ""}
                error={error?.fieldErrors?.confirm?.[0]}
              />
            ) : null}
            <p className="text-xs text-slate-500">Nothing has changed in the cluster yet. Starting hits exactly these objects; if the cluster has changed since, the run is refused and you plan again.</p>
          </div>
        </Card>
      ) : null}

      <div className="flex gap-2">
        <Button type="submit" name="intent" value="plan" variant={plan && !stale ? "secondary" : "primary"} disabled={pending || !action}>
          {pending ? "Working…" : "Plan"}
        </Button>
        <Button type="submit" name="intent" value="start" variant="danger" disabled={pending || !plan || stale || plan.actionId !== actionId || plan.clusterId !== clusterId}>
          Start run
        </Button>
      </div>
    </form>
  );
}
