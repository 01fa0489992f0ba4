"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getSessionUser } from "@/lib/auth";
import { requestMeta } from "@/lib/audit";
import type { ActionResult } from "@/lib/tenancy";
import { TeamRuleError, acceptInvite } from "@/lib/teams";

// Accept an invitation: the signed-in user joins the team with the link's role.
export async function acceptInviteAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, error: "Your session has ended. Sign in again, then open the link." };
  const token = z.string().max(200).catch("").parse(form.get("token"));
  let slug: string;
  try {
    ({ slug } = await acceptInvite(user, token, await requestMeta()));
  } catch (err) {
    if (err instanceof TeamRuleError) return { ok: false, error: err.message };
    throw err;
  }
  redirect(`/t/${slug}`);
}
