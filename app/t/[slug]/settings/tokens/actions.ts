"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { ApiTokenError, createApiToken, createTokenSchema, revokeApiToken } from "@/lib/api-tokens";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import { fieldErrorsOf } from "@/lib/validation";

const slugField = z.string().max(64).catch("");

// Create an API token (owners and admins); the token is returned once, here.
export async function createTokenAction(
  _prev: ActionResult<{ token: string }> | null,
  form: FormData,
): Promise<ActionResult<{ token: string }>> {
  const raw = { name: form.get("name"), scopes: form.getAll("scopes"), expiresIn: form.get("expiresIn") };
  const parsed = createTokenSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      error: "Check the highlighted fields.",
      fieldErrors: fieldErrorsOf(parsed.error),
      values: {
        name: String(raw.name ?? "").slice(0, 200),
        scopes: raw.scopes.map(String).join(","),
        expiresIn: String(raw.expiresIn ?? ""),
      },
    };
  return withTeamAction(slugField.parse(form.get("slug")), "tokens:manage", async (ctx) => {
    try {
      const { token } = await createApiToken(ctx, parsed.data);
      revalidatePath(`/t/${ctx.team.slug}/settings/tokens`);
      return { ok: true, data: { token }, message: `Token “${parsed.data.name}” created.` };
    } catch (err) {
      if (err instanceof ApiTokenError) return { ok: false, error: err.message };
      throw err;
    }
  });
}

// Revoke an API token (owners and admins); requests with it are refused from now on.
export async function revokeTokenAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const tokenId = z
    .string()
    .regex(/^[a-z0-9]{10,40}$/)
    .safeParse(form.get("tokenId"));
  if (!tokenId.success) return { ok: false, error: "Choose a token to revoke." };
  const slug = slugField.parse(form.get("slug"));
  const result = await withTeamAction(slug, "tokens:manage", async (ctx) => {
    try {
      const name = await revokeApiToken(ctx, tokenId.data);
      revalidatePath(`/t/${ctx.team.slug}/settings/tokens`);
      return { ok: true, message: `Token “${name}” revoked: it no longer works.` };
    } catch (err) {
      if (err instanceof ApiTokenError) return { ok: false, error: err.message };
      throw err;
    }
  });
  // The revoke form leaves the row with the token's life: the page says what happened.
  if (result.ok) redirect(`/t/${slug}/settings/tokens?notice=revoked`);
  return result;
}
