"use client";

import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { acceptInviteAction } from "./actions";

// Accepting is a POST, so link previewers and prefetchers that open the link do not use it up.
export function AcceptInviteForm({ token, teamName }: { token: string; teamName: string }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(acceptInviteAction, null);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="token" value={token} />
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : `Join ${teamName}`}
      </Button>
    </form>
  );
}
