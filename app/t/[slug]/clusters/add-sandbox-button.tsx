"use client";

import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { addSandboxClusterAction } from "./actions";

/** One click: a private sandbox cluster with the demo application, owned by the team. */
export function AddSandboxButton({ slug, variant = "primary" }: { slug: string; variant?: "primary" | "secondary" }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(addSandboxClusterAction, null);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="slug" value={slug} />
      <Button type="submit" variant={variant} disabled={pending}>
        {pending ? "Starting a sandbox…" : "Add a sandbox cluster"}
      </Button>
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      {state?.ok ? <Alert tone="green">{state.message}</Alert> : null}
    </form>
  );
}
