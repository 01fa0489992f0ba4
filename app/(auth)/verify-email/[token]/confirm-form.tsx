"use client";

import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import { confirmEmailAction, type ConfirmState } from "./actions";

export function ConfirmEmailForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<ConfirmState | null, FormData>(confirmEmailAction, null);
  return (
    <form action={action} className="space-y-4">
      {state?.error ? <Alert>{state.error}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Confirming…" : "Confirm my address"}
      </Button>
    </form>
  );
}
