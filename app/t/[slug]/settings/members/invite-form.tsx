"use client";

import { useActionState, useState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { createInviteAction } from "./actions";

type Result = ActionResult<{ path: string; expiresAt: string }>;

const selectClass =
  "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:ring-2 focus:ring-brand-500";

/** Creates an invitation link and shows it once, with a copy button. */
export function InviteForm({ slug, roles }: { slug: string; roles: { value: string; label: string }[] }) {
  const [state, action, pending] = useActionState<Result | null, FormData>(createInviteAction, null);
  const [copied, setCopied] = useState(false);
  const created = state?.ok ? state.data : undefined;
  const link = created ? `${window.location.origin}${created.path}` : null;
  const values = state && !state.ok ? state.values : undefined;
  const fe = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <div className="space-y-4">
      <form action={action} className="flex flex-wrap items-end gap-3" onSubmit={() => setCopied(false)}>
        <input type="hidden" name="slug" value={slug} />
        <div className="space-y-1">
          <label htmlFor="invite-role" className="block text-sm font-medium text-slate-700">
            Role
          </label>
          <select
            id="invite-role"
            name="role"
            defaultValue={values?.role ?? "MEMBER"}
            className={selectClass}
          >
            {roles.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
          {fe?.role ? <p className="text-xs text-red-700">{fe.role[0]}</p> : null}
        </div>
        <div className="space-y-1">
          <label htmlFor="invite-expiry" className="block text-sm font-medium text-slate-700">
            Link expires after
          </label>
          <select
            id="invite-expiry"
            name="expiresInDays"
            defaultValue={values?.expiresInDays ?? "7"}
            className={selectClass}
          >
            <option value="1">1 day</option>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
          </select>
          {fe?.expiresInDays ? <p className="text-xs text-red-700">{fe.expiresInDays[0]}</p> : null}
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create invite link"}
        </Button>
      </form>
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      {link && created ? (
        <div className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3">
          <p className="text-sm text-emerald-900">
            Send this link to the person you invite. It is shown only once, works once, and expires on{" "}
            {new Date(created.expiresAt).toISOString().slice(0, 16).replace("T", " ")} UTC.
          </p>
          <div className="flex gap-2">
            <input
              readOnly
              aria-label="Invitation link"
              value={link}
              onFocus={(e) => e.currentTarget.select()}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs"
            />
            <Button
              type="button"
              variant="secondary"
              onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
