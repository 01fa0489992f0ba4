import { z } from "zod";

/** The scopes a token can carry; what each grants is SCOPE_PERMISSIONS in lib/tenancy. */
export const TOKEN_SCOPES = ["read", "run"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const TOKEN_SCOPE_LABELS: Record<TokenScope, string> = {
  read: "Read: clusters, actions, runs",
  run: "Run: start, abort and share runs",
};

/** Token lifetimes on offer, in days; "never" means no expiry. */
export const TOKEN_EXPIRY_CHOICES = ["7", "30", "90", "365", "never"] as const;

export const createTokenSchema = z.object({
  name: z
    .string({ error: "Name the token" })
    .trim()
    .min(1, "Name the token, for example “CI deploys”")
    .max(60, "A token name has at most 60 characters"),
  scopes: z
    .array(z.enum(TOKEN_SCOPES, { error: "Unknown scope" }), { error: "Choose at least one scope" })
    .min(1, "Choose at least one scope")
    .transform((s) => [...new Set(s)]),
  expiresIn: z.enum(TOKEN_EXPIRY_CHOICES, { error: "Choose when the token expires" }),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;
