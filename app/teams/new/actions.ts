"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getSessionUser } from "@/lib/auth";
import { requestMeta } from "@/lib/audit";
import type { ActionResult } from "@/lib/tenancy";
import { createTeamForUser } from "@/lib/teams/create-team-for-user";
import { teamNameSchema } from "@/lib/teams/schemas";
import { fieldErrorsOf } from "@/lib/validation";

// Create a team owned by the signed-in user, then open it.
export async function createTeamAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, error: "Your session has ended. Sign in again." };
  const parsed = z.object({ name: teamNameSchema }).safeParse({ name: form.get("name") });
  if (!parsed.success) {
    const values = { name: String(form.get("name") ?? "").slice(0, 200) };
    return {
      ok: false,
      error: "Check the highlighted field.",
      fieldErrors: fieldErrorsOf(parsed.error),
      values,
    };
  }
  const slug = await createTeamForUser(user.id, parsed.data.name, await requestMeta());
  redirect(`/t/${slug}`);
}
