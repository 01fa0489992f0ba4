"use server";

import { SIGNUP_PER_IP, hit, registerAccount, sameSitePath, signUpSchema, throttleMessage, type LinkDelivery } from "@/lib/auth";
import { requestMeta } from "@/lib/audit";
import { fieldErrorsOf } from "@/lib/validation";

export type SignUpState =
  | { ok: true; email: string; delivery: LinkDelivery }
  | {
      ok: false;
      error?: string;
      fieldErrors?: Record<string, string[] | undefined>;
      values?: { name: string; email: string };
    };

// Sign-up: validates, rate-limits per address, then registers (lib/auth/register-account.ts):
// the answer is "check your inbox" whether or not the address already has an account.
export async function signUpAction(_prev: SignUpState | null, form: FormData): Promise<SignUpState> {
  const raw = { name: form.get("name"), email: form.get("email"), password: form.get("password") };
  const values = { name: String(raw.name ?? "").slice(0, 200), email: String(raw.email ?? "").slice(0, 300) };
  const parsed = signUpSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), values };
  const meta = await requestMeta();
  // Without Redis the limit cannot be checked; refusing is safer than creating unthrottled.
  const limit = await hit(SIGNUP_PER_IP, meta.ip ?? "unknown").catch(() => null);
  if (!limit) return { ok: false, error: "Sign-up is unavailable right now. Try again in a minute.", values };
  if (!limit.allowed)
    return { ok: false, error: throttleMessage(limit.retryAfterSeconds, "sign-up"), values };
  const next = sameSitePath(form.get("next")) ?? undefined;
  const delivery = await registerAccount(parsed.data, meta, next);
  return { ok: true, email: parsed.data.email, delivery };
}
