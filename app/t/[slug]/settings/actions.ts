"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import { renameTeam } from "@/lib/teams/rename-team";
import { teamNameSchema } from "@/lib/teams/schemas";
import { protectedNamespacesInput, setProtectedNamespaces } from "@/lib/teams/protected-namespaces";
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

const protectedSchema = z.object({ slug: z.string().max(64), namespaces: protectedNamespacesInput });

// Set the namespaces no run may touch (owners and admins); kube-system always stays.
export async function saveProtectedNamespacesAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const typed = String(form.get("namespaces") ?? "").slice(0, 20_000);
  const parsed = protectedSchema.safeParse({ slug: form.get("slug"), namespaces: typed });
  if (!parsed.success) {
    return { ok: false, error: "Check the highlighted field.", fieldErrors: fieldErrorsOf(parsed.error), values: { namespaces: typed } };
  }
  return withTeamAction(parsed.data.slug, "team:update", async (ctx) => {
    const { added, removed } = await setProtectedNamespaces(ctx, parsed.data.namespaces);
    revalidatePath(`/t/${ctx.team.slug}`, "layout");
    const change = [added.length ? `added ${added.join(", ")}` : "", removed.length ? `removed ${removed.join(", ")}` : ""].filter(Boolean).join("; ");
    return { ok: true, message: change ? `Protected namespaces saved: ${change}.` : "Protected namespaces saved; nothing changed." };
  });
}
