"use server";

import { z } from "zod";
import { resetPassword } from "@/lib/auth";
import { requestMeta } from "@/lib/audit";

export type ResetPasswordState =
  | { ok: true; email: string }
  | { ok: false; error?: string; passwordError?: string };

const tokenSchema = z.string().min(1).max(100);

// Sets the new password; the page then signs in with it.
export async function resetPasswordAction(_prev: ResetPasswordState | null, form: FormData): Promise<ResetPasswordState> {
  const token = tokenSchema.safeParse(form.get("token"));
  if (!token.success) return { ok: false, error: "This link is not complete. Open it from the mail again." };
  return resetPassword(token.data, form.get("password"), await requestMeta());
}
