"use client";

import { useActionState, useState } from "react";
import { Alert, Badge, Button, FormField } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import type { PrometheusSummary } from "@/lib/teams/prometheus";
import { prometheusFormAction, removePrometheusAction, type FormOutcome } from "./prometheus-actions";

/**
 * The team's Prometheus, where the PromQL checks of experiments are asked: set, test, replace,
 * remove. The stored token is never sent to the page; only whether there is one.
 */
export function PrometheusSettings({ slug, current, canEdit }: { slug: string; current: PrometheusSummary | null; canEdit: boolean }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [formState, formAction, formPending] = useActionState<ActionResult<FormOutcome> | null, FormData>(prometheusFormAction, null);
  const [removed, remove, removing] = useActionState<ActionResult | null, FormData>(removePrometheusAction, null);
  // The last answer of either form is the one shown; a save or a removal also closes what led to it.
  const [seen, setSeen] = useState({ formState, removed });
  const [notice, setNotice] = useState<string | null>(null);
  if (seen.formState !== formState || seen.removed !== removed) {
    setSeen({ formState, removed });
    if (removed !== seen.removed && removed?.ok) {
      setNotice(removed.message ?? null);
      setConfirming(false);
    } else if (formState !== seen.formState) {
      setNotice(formState?.ok && formState.data?.saved ? (formState.message ?? null) : null);
      if (formState?.ok && formState.data?.saved) setEditing(false);
    }
  }
  return (
    <div className="max-w-md space-y-3">
      <p className="text-sm text-slate-600">
        Experiments ask it the PromQL queries of their Prometheus checks. Pystol reaches it from its own servers, under the same address rules as clusters.
      </p>
      {notice ? <Alert tone="green">{notice}</Alert> : null}
      {current ? (
        <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="prometheus-current">
          <span>
            Connected to <span className="font-mono">{current.host}</span>
          </span>
          <Badge tone={current.hasToken ? "blue" : "slate"}>{current.hasToken ? "bearer token set" : "no token"}</Badge>
        </div>
      ) : (
        <p className="text-sm text-slate-700" data-testid="prometheus-current">
          No Prometheus is set: Prometheus checks end in error until one is.
        </p>
      )}
      {!canEdit ? (
        <p className="text-xs text-slate-500">Only owners and admins can change the Prometheus connection.</p>
      ) : current && !editing ? (
        <div className="flex flex-wrap items-center gap-2">
          <Button type="button" variant="secondary" onClick={() => setEditing(true)}>
            Replace
          </Button>
          {confirming ? (
            <form action={remove} className="flex flex-wrap items-center gap-2">
              <input type="hidden" name="slug" value={slug} />
              <span className="text-sm text-slate-700">Remove {current.host}?</span>
              <Button type="submit" variant="danger" disabled={removing}>
                {removing ? "Removing…" : "Yes, remove"}
              </Button>
              <Button type="button" variant="ghost" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </form>
          ) : (
            <Button type="button" variant="ghost" onClick={() => setConfirming(true)}>
              Remove
            </Button>
          )}
        </div>
      ) : (
        <ConnectionForm slug={slug} current={current} state={formState} action={formAction} pending={formPending} onCancel={current ? () => setEditing(false) : undefined} />
      )}
    </div>
  );
}

function ConnectionForm({
  slug,
  current,
  state,
  action,
  pending,
  onCancel,
}: {
  slug: string;
  current: PrometheusSummary | null;
  state: ActionResult<FormOutcome> | null;
  action: (form: FormData) => void;
  pending: boolean;
  onCancel: (() => void) | undefined;
}) {
  const failed = state && !state.ok ? state : null;
  return (
    <form action={action} noValidate className="space-y-3" aria-label="Prometheus connection">
      <input type="hidden" name="slug" value={slug} />
      {failed && !failed.fieldErrors ? <Alert>{failed.error}</Alert> : null}
      {state?.ok && !state.data?.saved ? <Alert tone="green">{state.message}</Alert> : null}
      <FormField
        label="Prometheus URL"
        name="url"
        type="url"
        inputMode="url"
        autoComplete="off"
        placeholder="https://prometheus.example.com"
        defaultValue={failed?.values?.url ?? (state?.ok ? state.data?.url : undefined) ?? ""}
        error={failed?.fieldErrors?.url?.[0]}
        hint="The address its query API answers under: Pystol asks <URL>/api/v1/query."
      />
      <FormField
        label="Bearer token (optional)"
        name="bearerToken"
        type="password"
        autoComplete="off"
        error={failed?.fieldErrors?.bearerToken?.[0]}
        hint={current?.hasToken ? "Leave empty to keep the stored token for the same host." : "Sent as Authorization: Bearer, over https:// only. It is stored encrypted and never shown again."}
      />
      {current?.hasToken ? <input type="hidden" name="keepToken" value="on" /> : null}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" name="intent" value="save" disabled={pending}>
          {pending ? "Working…" : "Save"}
        </Button>
        <Button type="submit" name="intent" value="test" variant="secondary" disabled={pending}>
          Test connection
        </Button>
        {onCancel ? (
          <Button type="button" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
