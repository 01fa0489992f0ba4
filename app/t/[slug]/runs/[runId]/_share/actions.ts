"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { env } from "@/lib/env";
import { createExecutionShareLink, createShareLink, revokeShareLink, sharedExecutionPath, shareExpirySchema, ShareLinkError } from "@/lib/share";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";

// A link shares a run (/r/<token>) or an experiment's execution (/e/<token>).
const kind = z.enum(["run", "execution"]).default("run");
const createSchema = z.object({ slug: z.string().max(64), kind, subjectId: z.string().min(1).max(64), expiry: shareExpirySchema });
const revokeSchema = z.object({ slug: z.string().max(64), kind, subjectId: z.string().min(1).max(64), linkId: z.string().min(1).max(64) });

// The page that lists the links: the run's, or every execution page (under the experiments).
function revalidateSubject(slug: string, subject: { kind: "run" | "execution"; subjectId: string }) {
  if (subject.kind === "run") revalidatePath(`/t/${slug}/runs/${subject.subjectId}`);
  else revalidatePath(`/t/${slug}/experiments`, "layout");
}

// Create a share link of a run or an execution; the link itself is in this answer only (only its hash is kept).
export async function createShareLinkAction(_prev: ActionResult<{ url: string }> | null, form: FormData): Promise<ActionResult<{ url: string }>> {
  const parsed = createSchema.safeParse({ slug: form.get("slug"), kind: form.get("kind") ?? undefined, subjectId: form.get("subjectId"), expiry: form.get("expiry") });
  if (!parsed.success) return { ok: false, error: "Choose how long the link should work: 1 day, 7 days, 30 days or never." };
  return withTeamAction(parsed.data.slug, "share:manage", async (ctx) => {
    try {
      const { kind, subjectId, expiry } = parsed.data;
      const path = kind === "run" ? `/r/${(await createShareLink(ctx, subjectId, expiry)).token}` : sharedExecutionPath((await createExecutionShareLink(ctx, subjectId, expiry)).token);
      revalidateSubject(ctx.team.slug, parsed.data);
      return { ok: true, data: { url: new URL(path, env().NEXTAUTH_URL).toString() }, message: "Link created. Copy it now: it is shown only once." };
    } catch (err) {
      if (err instanceof ShareLinkError) return { ok: false, error: `This ${parsed.data.kind} no longer exists.` };
      throw err;
    }
  });
}

// Revoke a share link: it answers 404 from the next request on.
export async function revokeShareLinkAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = revokeSchema.safeParse({ slug: form.get("slug"), kind: form.get("kind") ?? undefined, subjectId: form.get("subjectId"), linkId: form.get("linkId") });
  if (!parsed.success) return { ok: false, error: "That link could not be identified. Reload the page." };
  return withTeamAction(parsed.data.slug, "share:manage", async (ctx) => {
    try {
      await revokeShareLink(ctx, parsed.data.linkId);
    } catch (err) {
      if (err instanceof ShareLinkError) return { ok: false, error: "That link no longer exists." };
      throw err;
    }
    revalidateSubject(ctx.team.slug, parsed.data);
    return { ok: true, message: "Link revoked." };
  });
}
