import { z } from "zod";

/** Roles a member can be given by a role change (ownership also moves by transfer). */
export const roleSchema = z.enum(["OWNER", "ADMIN", "MEMBER", "VIEWER"], {
  error: "Choose a role",
});

/** Roles an invitation may carry: an owner is made by a role change or a transfer, never by a link. */
export const inviteRoleSchema = z.enum(["ADMIN", "MEMBER", "VIEWER"], { error: "Choose a role" });

/** How long an invitation link stays valid, in days. */
export const INVITE_EXPIRY_DAYS = [1, 7, 30] as const;
export const inviteExpirySchema = z.coerce
  .number({ error: "Choose when the link expires" })
  .refine((d) => (INVITE_EXPIRY_DAYS as readonly number[]).includes(d), "Choose when the link expires");

export const inviteInputSchema = z.object({ role: inviteRoleSchema, expiresInDays: inviteExpirySchema });
export type InviteInput = z.infer<typeof inviteInputSchema>;

/** Ids are cuids; anything else cannot name a row and is refused before a query. */
export const idSchema = z.string().regex(/^[a-z0-9]{10,40}$/, "Not a valid id");
