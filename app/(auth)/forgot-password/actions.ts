"use server";

import { forgotPasswordSchema, requestPasswordReset, type LinkDelivery } from "@/lib/auth";
import { requestMeta } from "@/lib/audit";

export type ForgotPasswordState =
  | { ok: true; email: string; delivery: LinkDelivery }
  | { ok: false; error?: string; emailError?: string; email: string };

// "Forgot your password?": the same answer whether or not the address has an account.
export async function forgotPasswordAction(_prev: ForgotPasswordState | null, form: FormData): Promise<ForgotPasswordState> {
  const raw = form.get("email");
  const email = String(raw ?? "").slice(0, 300);
  const parsed = forgotPasswordSchema.safeParse({ email: raw });
  if (!parsed.success) return { ok: false, emailError: parsed.error.issues[0]!.message, email };
  const result = await requestPasswordReset(parsed.data.email, await requestMeta()).catch(() => null);
  if (!result) return { ok: false, error: "Password resets are unavailable right now. Try again in a minute.", email };
  if (!result.ok) return { ok: false, error: result.error, email };
  return { ok: true, email: parsed.data.email, delivery: result.delivery };
}
