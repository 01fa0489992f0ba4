"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import { renameTeam } from "@/lib/teams/rename-team";
import { teamNameSchema } from "@/lib/teams/schemas";
import { fieldErrorsOf } from "@/lib/validation";

const renameSchema = z.object({ slug: z.string().max(64), name: teamNameSchema });

// Rename the team (owners and admins).
export async function renameTeamAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = renameSchema.safeParse({ slug: form.get("slug"), name: form.get("name") });
  if (!parsed.success) {
    // The typed name comes back so the form shows it with the error rather than resetting.
    const values = { name: String(form.get("name") ?? "").slice(0, 200) };
    return {
      ok: false,
      error: "Check the highlighted field.",
      fieldErrors: fieldErrorsOf(parsed.error),
      values,
    };
  }
  return withTeamAction(parsed.data.slug, "team:update", async (ctx) => {
    await renameTeam(ctx, parsed.data.name);
    revalidatePath(`/t/${ctx.team.slug}`, "layout");
    return { ok: true, message: "Team renamed." };
  });
}
