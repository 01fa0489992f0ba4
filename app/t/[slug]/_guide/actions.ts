"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import { GUIDE_STEPS, updateGuide } from "@/lib/trials";

const changeSchema = z.union([
  z.object({ dismissed: z.boolean() }).strict(),
  z.object({ tick: z.enum(GUIDE_STEPS) }).strict(),
]);

// The guided first experiment: hide it, bring it back, tick a step. The state is the user's
// own (User.guideState), read in every team they open.
export async function updateGuideAction(slug: string, change: unknown): Promise<ActionResult> {
  return withTeamAction(slug, "team:read", async (ctx) => {
    const parsed = changeSchema.safeParse(change);
    if (!parsed.success) return { ok: false, error: "Unknown guide change" };
    await updateGuide(ctx.user!.id, parsed.data);
    revalidatePath(`/t/${ctx.team.slug}`, "layout");
    return { ok: true };
  });
}
