"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import { renameTeam } from "@/lib/teams/rename-team";
import { teamNameSchema } from "@/lib/teams/schemas";
import { protectedNamespacesInput, setProtectedNamespaces } from "@/lib/teams/protected-namespaces";
import { teamRunnerImageSchema } from "@/lib/actions/faults/runner-settings";
import { TeamRuleError } from "@/lib/teams/errors";
import { setRunnerImage } from "@/lib/teams/runner-image";
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

const runnerImageSchema = z.object({ slug: z.string().max(64), intent: z.enum(["save", "default"]), image: z.string().max(2000) });

// The team's fault runner image (owners and admins): Save a reference, or "Use the default"
// to go back to the installation's PYSTOL_RUNNER_IMAGE.
export async function saveRunnerImageAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const typed = String(form.get("image") ?? "").slice(0, 2000);
  const parsed = runnerImageSchema.safeParse({ slug: form.get("slug"), intent: form.get("intent") ?? "save", image: typed });
  if (!parsed.success) return { ok: false, error: "The form could not be read; reload the page." };
  const { slug, intent } = parsed.data;
  return withTeamAction(slug, "team:update", async (ctx) => {
    let image: string | null = null;
    // An empty field saved is the same as "Use the default".
    if (intent === "save" && typed.trim() !== "") {
      const checked = teamRunnerImageSchema().safeParse(typed);
      if (!checked.success) {
        const message = checked.error.issues[0]?.message ?? "That is not an image reference.";
        return { ok: false, error: message, fieldErrors: { image: [message] }, values: { image: typed } };
      }
      image = checked.data;
    }
    try {
      const changed = await setRunnerImage(ctx, image);
      revalidatePath(`/t/${ctx.team.slug}/settings`);
      if (!changed) return { ok: true, message: "Fault runner image saved; nothing changed." };
      return { ok: true, message: image ? `Fault runner image saved: faults of this team now start ${image}.` : "Faults of this team now start the installation's runner image." };
    } catch (err) {
      if (err instanceof TeamRuleError) return { ok: false, error: err.message, values: { image: typed } };
      throw err;
    }
  });
}
