"use client";

import { useActionState, useState } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { createTokenAction, revokeTokenAction } from "./actions";

const selectClass =
  "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:ring-2 focus:ring-brand-500";

/** Creates a token and shows it once, with a copy button; what was typed survives an error. */
export function CreateTokenForm({
  slug,
  scopes,
  expiries,
}: {
  slug: string;
  scopes: { value: string; label: string }[];
  expiries: { value: string; label: string }[];
}) {
  const [state, action, pending] = useActionState<ActionResult<{ token: string }> | null, FormData>(
    createTokenAction,
    null,
  );
  const [copied, setCopied] = useState(false);
  const failed = state && !state.ok ? state : undefined;
  const chosen = failed?.values ? failed.values.scopes?.split(",") : ["read"];
  const token = state?.ok ? state.data?.token : undefined;
  return (
    <div className="space-y-4">
      {token ? (
        <div className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3" role="status">
          <p className="text-sm text-emerald-900">
            {state?.ok ? state.message : null} Copy it now: it is shown only once and cannot be recovered.
          </p>
          <div className="flex gap-2">
            <input
              readOnly
              aria-label="New API token"
              value={token}
              onFocus={(e) => e.currentTarget.select()}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs"
            />
            <Button
              type="button"
              variant="secondary"
              onClick={() => void navigator.clipboard?.writeText(token).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
      ) : null}
      <form action={action} className="max-w-md space-y-3" onSubmit={() => setCopied(false)} noValidate>
        <input type="hidden" name="slug" value={slug} />
        {failed ? <Alert>{failed.error}</Alert> : null}
        <FormField
          key={`name-${failed?.values?.name ?? ""}`}
          label="Name"
          name="name"
          maxLength={60}
          placeholder="e.g. CI deploys"
          defaultValue={failed?.values?.name}
          error={failed?.fieldErrors?.name?.[0]}
        />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-700">Scopes</legend>
          {scopes.map((s) => (
            <label key={`${s.value}-${chosen?.join()}`} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="scopes"
                value={s.value}
                defaultChecked={chosen?.includes(s.value)}
              />
              {s.label}
            </label>
          ))}
          {failed?.fieldErrors?.scopes ? (
            <p className="text-xs text-red-700">{failed.fieldErrors.scopes[0]}</p>
          ) : null}
        </fieldset>
        <div className="space-y-1">
          <label htmlFor="token-expiry" className="block text-sm font-medium text-slate-700">
            Expires
          </label>
          <select
            key={`exp-${failed?.values?.expiresIn ?? ""}`}
            id="token-expiry"
            name="expiresIn"
            defaultValue={failed?.values?.expiresIn || "90"}
            className={selectClass}
          >
            {expiries.map((e) => (
              <option key={e.value} value={e.value}>
                {e.label}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}

/** Revokes one token, behind a confirmation. */
export function RevokeTokenForm({ slug, tokenId, name }: { slug: string; tokenId: string; name: string }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(revokeTokenAction, null);
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="tokenId" value={tokenId} />
      <details className="relative">
        <summary className="cursor-pointer list-none rounded-md px-2 py-1.5 text-sm text-red-700 hover:bg-red-50">
          Revoke…
        </summary>
        <div className="absolute right-0 z-10 mt-1 w-64 rounded-md border border-slate-200 bg-white p-3 text-sm shadow-lg">
          <p className="mb-2">Scripts using “{name}” stop working at once.</p>
          <Button type="submit" variant="danger" disabled={pending}>
            Revoke {name}
          </Button>
        </div>
      </details>
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      {state?.ok ? <Alert tone="green">{state.message}</Alert> : null}
    </form>
  );
}
