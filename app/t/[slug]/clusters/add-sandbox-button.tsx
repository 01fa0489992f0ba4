"use client";

import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { addSandboxClusterAction } from "./actions";

/** One click: a private sandbox cluster with the demo application, owned by the team. */
export function AddSandboxButton({
  slug,
  variant = "primary",
  align = "start",
}: {
  slug: string;
  variant?: "primary" | "secondary";
  /** "end" in a page header's actions (right-aligned), "start" in a card. */
  align?: "start" | "end";
}) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(addSandboxClusterAction, null);
  return (
    // The message goes under the button, so the button keeps its place when it appears.
    <form action={action} className={`flex max-w-md flex-col gap-2 ${align === "end" ? "items-end" : "items-start"}`}>
      <input type="hidden" name="slug" value={slug} />
      <Button type="submit" variant={variant} disabled={pending}>
        {pending ? "Starting a sandbox…" : "Add a sandbox cluster"}
      </Button>
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      {state?.ok ? <Alert tone="green">{state.message}</Alert> : null}
    </form>
  );
}
