"use client";

import { useActionState, useState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import { SHARE_EXPIRIES, SHARE_EXPIRY_LABELS } from "@/lib/share/expiry";
import type { ActionResult } from "@/lib/tenancy";
import { createShareLinkAction, revokeShareLinkAction } from "./actions";

/** What a link shares: a run, or an experiment's execution. */
export interface ShareSubject {
  kind: "run" | "execution";
  id: string;
}

const SubjectFields = ({ subject }: { subject: ShareSubject }) => (
  <>
    <input type="hidden" name="kind" value={subject.kind} />
    <input type="hidden" name="subjectId" value={subject.id} />
  </>
);

/** Creates a link and shows it once, with a copy button. */
export function CreateShareLinkForm({ slug, subject }: { slug: string; subject: ShareSubject }) {
  const [state, action, pending] = useActionState<ActionResult<{ url: string }> | null, FormData>(createShareLinkAction, null);
  const [copied, setCopied] = useState(false);
  const url = state?.ok ? state.data?.url : undefined;
  return (
    <div className="space-y-3">
      <form action={action} className="flex items-end gap-2" onSubmit={() => setCopied(false)}>
        <input type="hidden" name="slug" value={slug} />
        <SubjectFields subject={subject} />
        <label className="flex-1 text-sm">
          <span className="mb-1 block text-xs text-slate-500">Link works for</span>
          <select name="expiry" defaultValue="7d" className="w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
            {SHARE_EXPIRIES.map((e) => (
              <option key={e} value={e}>
                {SHARE_EXPIRY_LABELS[e]}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create link"}
        </Button>
      </form>
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      {url ? (
        <div className="space-y-2">
          <Alert tone="green">{state?.ok ? state.message : null}</Alert>
          <div className="flex gap-2">
            <input readOnly value={url} aria-label="Share link" className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-2 py-1.5 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
            <Button
              type="button"
              variant="secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(url).then(() => setCopied(true));
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** Revokes one link. */
export function RevokeShareLinkButton({ slug, subject, linkId }: { slug: string; subject: ShareSubject; linkId: string }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(revokeShareLinkAction, null);
  return (
    <form action={action}>
      <input type="hidden" name="slug" value={slug} />
      <SubjectFields subject={subject} />
      <input type="hidden" name="linkId" value={linkId} />
      <Button type="submit" variant="ghost" className="!px-2 !py-1 text-xs text-red-700" disabled={pending}>
        {pending ? "Revoking…" : "Revoke"}
      </Button>
      {state && !state.ok ? <span role="alert" className="text-xs text-red-700">{state.error}</span> : null}
    </form>
  );
}
