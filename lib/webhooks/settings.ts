import { z } from "zod";
import { settingsFromEnv } from "@/lib/env/settings";
import { createAddressPolicy, type AddressPolicy } from "@/lib/kube";

const flag = z
  .string()
  .optional()
  .transform((v) => /^(1|true|yes)$/i.test(v ?? ""));

// Delivery of outgoing webhooks. Addresses follow the same guard as kubeconfigs' API servers,
// with their own allowance: an operator who lets kubeconfigs reach an internal range does not
// thereby let every team post to it.
const schema = z.object({
  // Plain http:// endpoints (tests, a local receiver); https:// only by default.
  PYSTOL_WEBHOOK_ALLOW_HTTP: flag,
  // CIDRs beyond the public internet that endpoints may resolve to (comma-separated; none by default).
  PYSTOL_WEBHOOK_ALLOWED_CIDRS: z.string().default(""),
  // Attempts of one delivery, and the first back-off (doubled after each failure).
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(50).max(3_600_000).default(10_000),
  // One attempt's deadline, connect included.
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
});

export type WebhookSettings = z.infer<typeof schema>;

/** The webhooks' settings, validated once; throws naming the offending variable. */
export const webhookSettings: () => WebhookSettings = settingsFromEnv(schema);

let policy: { key: string; value: AddressPolicy } | undefined;
/** The address rules endpoints are checked against, at save time and at every delivery. */
export function webhookAddressPolicy(): AddressPolicy {
  const s = webhookSettings();
  const key = `${s.PYSTOL_WEBHOOK_ALLOWED_CIDRS}|${s.PYSTOL_WEBHOOK_ALLOW_HTTP}`;
  if (policy?.key !== key) {
    try {
      policy = { key, value: createAddressPolicy(s.PYSTOL_WEBHOOK_ALLOWED_CIDRS.split(","), s.PYSTOL_WEBHOOK_ALLOW_HTTP) };
    } catch (err) {
      throw new Error((err as Error).message.replace("PYSTOL_KUBE_ALLOWED_CIDRS", "PYSTOL_WEBHOOK_ALLOWED_CIDRS"));
    }
  }
  return policy.value;
}
