import { z } from "zod";
import { db } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { createTeam } from "@/lib/teams/create-team";
import { hashPassword } from "./password";
import { passwordWeakness } from "./password-strength";

/** A password someone chooses: its length here, its strength in passwordWeakness. */
export const newPasswordField = z
  .string({ error: "Enter a password" })
  .min(8, "Use at least 8 characters")
  .max(200, "A password has at most 200 characters");

export const signUpSchema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(80, "A name has at most 80 characters"),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "An email address has at most 254 characters")
    .pipe(z.email("Enter a valid email address")),
  password: newPasswordField,
}).superRefine((v, ctx) => {
  // Strength last, with what a guesser knows about this person: their name and address; a
  // password whose length is already refused gets that message alone.
  if (typeof v.password !== "string" || v.password.length < 8 || v.password.length > 200) return;
  const weakness = passwordWeakness(v.password, { email: v.email, name: v.name });
  if (weakness) ctx.addIssue({ code: "custom", path: ["password"], message: weakness });
});

export type SignUpInput = z.infer<typeof signUpSchema>;

export class AccountExistsError extends Error {
  constructor() {
    super("An account with this email already exists. Sign in instead.");
  }
}

/**
 * Creates a user with a personal team they own, all in one transaction: a failure anywhere
 * leaves nothing behind. Returns the new user's id and team slug.
 */
export async function createAccount(input: SignUpInput, meta?: RequestMeta, options: { emailVerified?: boolean } = {}) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { name: input.name, email: input.email, passwordHash, emailVerifiedAt: options.emailVerified ? new Date() : null },
      });
      const team = await createTeam(
        tx,
        { name: `${input.name.split(" ")[0]}'s team`, userId: user.id, personal: true },
        meta,
      );
      await recordAudit(
        {
          action: "account.created",
          actorUserId: user.id,
          teamId: team.id,
          targetType: "user",
          targetId: user.id,
          meta,
        },
        tx,
      );
      return { userId: user.id, teamSlug: team.slug };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AccountExistsError();
    throw err;
  }
}
