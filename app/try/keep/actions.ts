"use server";

import { requestMeta } from "@/lib/audit";
import { getSessionUser, signUpSchema, type LinkDelivery } from "@/lib/auth";
import { ConvertTrialError, requestKeepTrial } from "@/lib/trials";
import { fieldErrorsOf } from "@/lib/validation";

export type KeepTrialState = {
  error?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  values?: { name: string; email: string };
  /** The confirmation link was sent (or, with no mail server, logged). */
  sent?: { email: string; delivery: LinkDelivery };
};

// "Keep this trial": the guest sets a name, an email and a password; a confirmation link goes
// to the address, and opening it keeps the trial team, its cluster and runs. The answer is the
// same whether or not the address has an account.
export async function keepTrialAction(_prev: KeepTrialState | null, form: FormData): Promise<KeepTrialState> {
  const raw = { name: form.get("name"), email: form.get("email"), password: form.get("password") };
  const values = { name: String(raw.name ?? "").slice(0, 200), email: String(raw.email ?? "").slice(0, 300) };
  const user = await getSessionUser();
  if (!user) return { error: "Your trial session has ended. Start a new trial or create an account.", values };
  const parsed = signUpSchema.safeParse(raw);
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    const delivery = await requestKeepTrial(user.id, parsed.data, await requestMeta());
    return { sent: { email: parsed.data.email, delivery } };
  } catch (err) {
    if (err instanceof ConvertTrialError) return { error: err.message, values };
    throw err;
  }
}
