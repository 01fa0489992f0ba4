import { randomUUID } from "node:crypto";
import { createAccount } from "@/lib/auth/create-account";
import { resolveTeamForUser, type TeamContext } from "@/lib/tenancy";

/** A new account with its personal team, as the context that may manage its share links. */
export async function sharingAccount(name: string): Promise<{ email: string; ctx: TeamContext }> {
  const email = `${randomUUID().slice(0, 8)}@example.test`;
  const { userId, teamSlug } = await createAccount({ name, email, password: "correct horse battery" }, { ip: null, userAgent: null });
  return { email, ctx: await resolveTeamForUser({ id: userId, email, name }, teamSlug, "share:manage") };
}
