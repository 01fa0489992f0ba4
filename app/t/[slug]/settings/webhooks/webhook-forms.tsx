"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { createWebhookAction, deleteWebhookAction, rotateSecretAction, testWebhookAction, toggleWebhookAction } from "./actions";

const selectClass =
  "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:ring-2 focus:ring-brand-500";

/** A secret shown once, with a copy button. */
function SecretOnce({ secret, note }: { secret: string; note: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3" role="status">
      <p className="text-sm text-emerald-900">{note} Copy it now: it is shown only once and cannot be recovered.</p>
      <div className="flex gap-2">
        <input
          readOnly
          aria-label="Webhook signing secret"
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs"
        />
        <Button type="button" variant="secondary" onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}>
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}

/** Adds an endpoint; what was typed survives an error; the first endpoint shows the team's secret once. */
export function CreateWebhookForm({ slug, events }: { slug: string; events: { value: string; label: string }[] }) {
  const [state, action, pending] = useActionState<ActionResult<{ secret: string | null }> | null, FormData>(createWebhookAction, null);
  const failed = state && !state.ok ? state : undefined;
  const chosen = failed?.values ? failed.values.events?.split(",") : ["execution.failed", "score.dropped"];
  const secret = state?.ok ? state.data?.secret : null;
  const k = failed?.values ? JSON.stringify(failed.values) : "fresh";
  return (
    <div className="space-y-4">
      {state?.ok ? (
        secret ? <SecretOnce secret={secret} note={`${state.message} This is the team's signing secret.`} /> : <Alert tone="green">{state.message}</Alert>
      ) : null}
      <form action={action} className="max-w-xl space-y-3" noValidate key={state?.ok ? `ok-${state.message}` : "form"}>
        <input type="hidden" name="slug" value={slug} />
        {failed ? <Alert>{failed.error}</Alert> : null}
        <FormField key={`name-${k}`} label="Name" name="name" maxLength={60} placeholder="e.g. On-call channel" defaultValue={failed?.values?.name} error={failed?.fieldErrors?.name?.[0]} />
        <FormField
          key={`url-${k}`}
          label="URL"
          name="url"
          type="url"
          maxLength={2048}
          placeholder="https://hooks.example.com/pystol"
          defaultValue={failed?.values?.url}
          error={failed?.fieldErrors?.url?.[0]}
        />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-700">Events</legend>
          {events.map((e) => (
            <label key={`${e.value}-${k}`} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="events" value={e.value} defaultChecked={chosen?.includes(e.value)} className="mt-0.5" />
              <span>{e.label}</span>
            </label>
          ))}
          {failed?.fieldErrors?.events ? <p className="text-xs text-red-700">{failed.fieldErrors.events[0]}</p> : null}
        </fieldset>
        <div className="flex flex-wrap gap-4">
          <div className="space-y-1">
            <label htmlFor="webhook-format" className="block text-sm font-medium text-slate-700">
              Format
            </label>
            <select key={`format-${k}`} id="webhook-format" name="format" defaultValue={failed?.values?.format || "generic"} className={selectClass}>
              <option value="generic">Signed JSON</option>
              <option value="slack">Slack incoming webhook</option>
            </select>
          </div>
          <div className="w-40">
            <FormField
              key={`drop-${k}`}
              label="Score drop (points)"
              name="scoreDropPoints"
              type="number"
              min={1}
              max={100}
              defaultValue={failed?.values?.scoreDropPoints ?? "10"}
              error={failed?.fieldErrors?.scoreDropPoints?.[0]}
            />
          </div>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add endpoint"}
        </Button>
      </form>
    </div>
  );
}

/** Rotates the team's secret behind a confirmation, and shows the new one once. */
export function RotateSecretForm({ slug }: { slug: string }) {
  const [state, action, pending] = useActionState<ActionResult<{ secret: string }> | null, FormData>(rotateSecretAction, null);
  return (
    <div className="space-y-2">
      {state?.ok && state.data ? <SecretOnce secret={state.data.secret} note={state.message ?? ""} /> : null}
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      <form action={action}>
        <input type="hidden" name="slug" value={slug} />
        <details className="relative inline-block">
          <summary className="cursor-pointer list-none rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">Rotate secret…</summary>
          <div className="absolute left-0 z-10 mt-1 w-72 rounded-md border border-slate-200 bg-white p-3 text-sm shadow-lg">
            <p className="mb-2">Deliveries are signed with the new secret at once: receivers that check the old one refuse them until they are given the new one.</p>
            <Button type="submit" variant="danger" disabled={pending}>
              {pending ? "Rotating…" : "Rotate now"}
            </Button>
          </div>
        </details>
      </form>
    </div>
  );
}

function RowAction({ slug, webhookId, act, label, pendingLabel, extra, variant = "secondary" }: {
  slug: string;
  webhookId: string;
  act: (prev: ActionResult | null, form: FormData) => Promise<ActionResult>;
  label: string;
  pendingLabel: string;
  extra?: Record<string, string>;
  variant?: "secondary" | "danger";
}) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(act, null);
  return (
    <form action={action} className="inline-block">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="webhookId" value={webhookId} />
      {Object.entries(extra ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Button type="submit" variant={variant} disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
      {state && !state.ok ? <span role="alert" className="ml-2 text-xs text-red-700">{state.error}</span> : null}
      {state?.ok ? <span role="status" className="sr-only">{state.message}</span> : null}
    </form>
  );
}

/** The row's buttons: send a test, pause or resume, delete (behind a confirmation). */
export function WebhookRowActions({ slug, webhookId, name, enabled }: { slug: string; webhookId: string; name: string; enabled: boolean }) {
  return (
    <div className="flex flex-wrap items-start gap-2">
      <RowAction slug={slug} webhookId={webhookId} act={testWebhookAction} label="Send test" pendingLabel="Sending…" />
      <RowAction slug={slug} webhookId={webhookId} act={toggleWebhookAction} label={enabled ? "Pause" : "Resume"} pendingLabel="Saving…" extra={{ enabled: String(!enabled) }} />
      <details className="relative">
        <summary className="cursor-pointer list-none rounded-md px-2 py-1.5 text-sm text-red-700 hover:bg-red-50">Delete…</summary>
        <div className="absolute right-0 z-10 mt-1 w-64 rounded-md border border-slate-200 bg-white p-3 text-sm shadow-lg">
          <p className="mb-2">“{name}” and its delivery log are deleted; nothing more is sent to it.</p>
          <RowAction slug={slug} webhookId={webhookId} act={deleteWebhookAction} label={`Delete ${name}`} pendingLabel="Deleting…" variant="danger" />
        </div>
      </details>
    </div>
  );
}

/** Redraws the page every two seconds while a delivery is still on its way. Renders nothing. */
export function RefreshWhilePending({ pending }: { pending: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!pending) return;
    const t = setInterval(() => router.refresh(), 2000);
    return () => clearInterval(t);
  }, [pending, router]);
  return null;
}
