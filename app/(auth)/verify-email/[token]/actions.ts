"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { AccountExistsError, confirmEmail, getSessionUser } from "@/lib/auth";
import { requestMeta } from "@/lib/audit";
import { ConvertTrialError, finishKeepTrial } from "@/lib/trials";

export type ConfirmState = { error: string };

const INVALID = "This link has expired or was already used. Sign up again with the same address to get a new one.";

function signInThen(path: string | null): string {
  return `/signin?notice=confirmed${path ? `&callbackUrl=${encodeURIComponent(path)}` : ""}`;
}

// Confirms the address behind a link. A button press, not the page load, does it: mail
// scanners open links on their own, and must not use one up.
export async function confirmEmailAction(_prev: ConfirmState | null, form: FormData): Promise<ConfirmState> {
  const token = z.string().min(1).max(100).safeParse(form.get("token"));
  if (!token.success) return { error: INVALID };
  const meta = await requestMeta();
  const confirmed = await confirmEmail(token.data, meta);
  if (confirmed.kind === "invalid") return { error: INVALID };
  if (confirmed.kind === "account") redirect(signInThen(confirmed.next));
  let slug: string | null;
  try {
    slug = (await finishKeepTrial(confirmed.token, meta)).teamSlug;
  } catch (err) {
    if (err instanceof AccountExistsError)
      return { error: "This address has an account by now, so the trial could not be kept under it. Sign in to that account instead." };
    if (err instanceof ConvertTrialError) return { error: err.message };
    throw err;
  }
  const team = slug ? `/t/${slug}` : "/";
  // The guest's own browser is still signed in as the guest, now an ordinary account.
  const user = await getSessionUser();
  redirect(user?.id === confirmed.token.userId ? team : signInThen(team));
}
