"use client";

import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { leaveTeamAction, revokeInviteAction } from "./actions";

/** Revokes one open invitation. */
export function RevokeInviteButton({ slug, inviteId }: { slug: string; inviteId: string }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(revokeInviteAction, null);
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="inviteId" value={inviteId} />
      <Button type="submit" variant="ghost" disabled={pending}>
        Revoke
      </Button>
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
    </form>
  );
}

/** "Leave team", behind a confirmation; the last owner is told why they cannot. */
export function LeaveTeamForm({ slug, teamName }: { slug: string; teamName: string }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(leaveTeamAction, null);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="slug" value={slug} />
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      <details>
        <summary className="inline-block cursor-pointer list-none rounded-md px-3 py-2 text-sm font-medium text-red-700 ring-1 ring-red-200 hover:bg-red-50">
          Leave team…
        </summary>
        <div className="mt-2 space-y-2 text-sm">
          <p>You lose access to {teamName} at once. To come back you need a new invitation.</p>
          <Button type="submit" variant="danger" disabled={pending}>
            Leave {teamName}
          </Button>
        </div>
      </details>
    </form>
  );
}
