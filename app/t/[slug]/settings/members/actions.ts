"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { withTeamAction, type ActionResult, type TeamContext } from "@/lib/tenancy";
import {
  TeamRuleError,
  changeMemberRole,
  createInvite,
  idSchema,
  inviteInputSchema,
  leaveTeam,
  removeMember,
  revokeInvite,
  roleSchema,
  transferOwnership,
} from "@/lib/teams";
import { fieldErrorsOf } from "@/lib/validation";

const slugField = z.string().max(64);

// A refusal by the team's rules becomes the form's message; anything else is a real error.
async function refusals<T>(fn: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TeamRuleError) return { ok: false, error: err.message };
    throw err;
  }
}

function done(ctx: TeamContext, message: string): ActionResult {
  revalidatePath(`/t/${ctx.team.slug}/settings/members`);
  return { ok: true, message };
}

const memberSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("role"), slug: slugField, membershipId: idSchema, role: roleSchema }),
  z.object({ intent: z.literal("remove"), slug: slugField, membershipId: idSchema }),
  z.object({ intent: z.literal("transfer"), slug: slugField, membershipId: idSchema }),
]);

// Change a member's role, remove them (owners and admins), or make them the owner (owners).
export async function memberAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = memberSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, error: "Choose a member and what to do." };
  const { intent, slug, membershipId } = parsed.data;
  if (intent === "transfer") {
    // The transfer form goes away with the former owner's role: the page says what happened.
    const result = await withTeamAction(slug, "team:delete", (ctx) =>
      refusals(async () => done(ctx, await transferOwnership(ctx, membershipId))),
    );
    if (result.ok) redirect(`/t/${slug}/settings/members?notice=transferred&to=${encodeURIComponent(membershipId)}`);
    return result;
  }
  if (parsed.data.intent === "role") {
    const { role } = parsed.data;
    return withTeamAction(slug, "members:manage", (ctx) =>
      refusals(async () => done(ctx, await changeMemberRole(ctx, membershipId, role))),
    );
  }
  // The removed member's row, and the form in it, go away: the page says what happened.
  const result = await withTeamAction(slug, "members:manage", (ctx) =>
    refusals(async () => done(ctx, await removeMember(ctx, membershipId))),
  );
  if (result.ok) redirect(`/t/${slug}/settings/members?notice=removed`);
  return result;
}

// Create an invitation link (owners and admins); its token is returned once, here.
export async function createInviteAction(
  _prev: ActionResult<{ path: string; expiresAt: string }> | null,
  form: FormData,
): Promise<ActionResult<{ path: string; expiresAt: string }>> {
  const raw = { role: form.get("role"), expiresInDays: form.get("expiresInDays") };
  const parsed = inviteInputSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      error: "Check the highlighted fields.",
      fieldErrors: fieldErrorsOf(parsed.error),
      values: { role: String(raw.role ?? ""), expiresInDays: String(raw.expiresInDays ?? "") },
    };
  return withTeamAction(slugField.catch("").parse(form.get("slug")), "members:manage", (ctx) =>
    refusals(async () => {
      const { token, expiresAt } = await createInvite(ctx, parsed.data);
      revalidatePath(`/t/${ctx.team.slug}/settings/members`);
      return { ok: true, data: { path: `/invite/${token}`, expiresAt: expiresAt.toISOString() } };
    }),
  );
}

// Withdraw an open invitation (owners and admins).
export async function revokeInviteAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = z.object({ slug: slugField, inviteId: idSchema }).safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, error: "Choose an invitation to revoke." };
  const result = await withTeamAction(parsed.data.slug, "members:manage", (ctx) =>
    refusals(async () => {
      await revokeInvite(ctx, parsed.data.inviteId);
      return done(ctx, "Invitation revoked: its link no longer works.");
    }),
  );
  if (result.ok) redirect(`/t/${parsed.data.slug}/settings/members?notice=invite-revoked`);
  return result;
}

// Leave the team (anyone but its last owner), then go to another team.
export async function leaveTeamAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await withTeamAction(slugField.catch("").parse(form.get("slug")), "team:read", (ctx) =>
    refusals(async () => {
      await leaveTeam(ctx);
      return { ok: true };
    }),
  );
  if (result.ok) redirect("/");
  return result;
}
