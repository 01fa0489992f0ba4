"use server";

import { redirect } from "next/navigation";
import { requestMeta } from "@/lib/audit";
import { AccountExistsError, getSessionUser, signUpSchema } from "@/lib/auth";
import { convertTrial, ConvertTrialError } from "@/lib/trials";
import { fieldErrorsOf } from "@/lib/validation";

export type KeepTrialState = {
  error?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  values?: { name: string; email: string };
};

// "Keep this trial": the guest sets a name, an email and a password; the trial team, its
// cluster and runs stay. The session carries on (it names the same user).
export async function keepTrialAction(_prev: KeepTrialState | null, form: FormData): Promise<KeepTrialState> {
  const raw = { name: form.get("name"), email: form.get("email"), password: form.get("password") };
  const values = { name: String(raw.name ?? "").slice(0, 200), email: String(raw.email ?? "").slice(0, 300) };
  const user = await getSessionUser();
  if (!user) return { error: "Your trial session has ended. Start a new trial or create an account.", values };
  const parsed = signUpSchema.safeParse(raw);
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  let slug: string | null;
  try {
    slug = (await convertTrial(user.id, parsed.data, await requestMeta())).teamSlug;
  } catch (err) {
    if (err instanceof AccountExistsError) return { fieldErrors: { email: [err.message] }, values };
    if (err instanceof ConvertTrialError) return { error: err.message, values };
    throw err;
  }
  redirect(slug ? `/t/${slug}` : "/");
}
