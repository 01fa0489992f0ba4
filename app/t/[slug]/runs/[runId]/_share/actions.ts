"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { env } from "@/lib/env";
import { createShareLink, revokeShareLink, shareExpirySchema, ShareLinkError } from "@/lib/share";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";

const createSchema = z.object({ slug: z.string().max(64), runId: z.string().min(1).max(64), expiry: shareExpirySchema });
const revokeSchema = z.object({ slug: z.string().max(64), runId: z.string().min(1).max(64), linkId: z.string().min(1).max(64) });

// Create a share link of a run; the link itself is in this answer only (only its hash is kept).
export async function createShareLinkAction(_prev: ActionResult<{ url: string }> | null, form: FormData): Promise<ActionResult<{ url: string }>> {
  const parsed = createSchema.safeParse({ slug: form.get("slug"), runId: form.get("runId"), expiry: form.get("expiry") });
  if (!parsed.success) return { ok: false, error: "Choose how long the link should work: 1 day, 7 days, 30 days or never." };
  return withTeamAction(parsed.data.slug, "share:manage", async (ctx) => {
    try {
      const { token } = await createShareLink(ctx, parsed.data.runId, parsed.data.expiry);
      revalidatePath(`/t/${ctx.team.slug}/runs/${parsed.data.runId}`);
      return { ok: true, data: { url: new URL(`/r/${token}`, env().NEXTAUTH_URL).toString() }, message: "Link created. Copy it now: it is shown only once." };
    } catch (err) {
      if (err instanceof ShareLinkError) return { ok: false, error: "This run no longer exists." };
      throw err;
    }
  });
}

// Revoke a share link: it answers 404 from the next request on.
export async function revokeShareLinkAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = revokeSchema.safeParse({ slug: form.get("slug"), runId: form.get("runId"), linkId: form.get("linkId") });
  if (!parsed.success) return { ok: false, error: "That link could not be identified. Reload the page." };
  return withTeamAction(parsed.data.slug, "share:manage", async (ctx) => {
    try {
      await revokeShareLink(ctx, parsed.data.linkId);
    } catch (err) {
      if (err instanceof ShareLinkError) return { ok: false, error: "That link no longer exists." };
      throw err;
    }
    revalidatePath(`/t/${ctx.team.slug}/runs/${parsed.data.runId}`);
    return { ok: true, message: "Link revoked." };
  });
}
