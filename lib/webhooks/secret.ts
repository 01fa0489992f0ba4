import { auditActor, recordAudit } from "@/lib/audit";
import { generateToken, open, seal, sealedKeyId } from "@/lib/crypto";
import { db } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { WebhookError } from "./errors";

// The team's signing secret: made with the first endpoint, sealed like kubeconfigs (its own
// purpose), shown once when made or rotated. Only the delivery worker opens it again.

/** The secret-box purpose of a team's webhook secret. */
export const WEBHOOK_SECRET_CONTEXT = "pystol:webhook-secret:v1";

const sealSecret = (secret: string) => {
  const ciphertext = seal(secret, { context: WEBHOOK_SECRET_CONTEXT });
  return { webhookSecretCiphertext: new Uint8Array(ciphertext), webhookSecretKeyId: sealedKeyId(ciphertext), webhookSecretRotatedAt: new Date() };
};

/** The team's secret in clear, for signing (worker side); null when the team has none yet. */
export async function webhookSecretOf(teamId: string): Promise<string | null> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { webhookSecretCiphertext: true } });
  if (!team?.webhookSecretCiphertext) return null;
  return open(team.webhookSecretCiphertext, { context: WEBHOOK_SECRET_CONTEXT }).toString("utf8");
}

/** When the secret was last made (null: none yet). Never the secret. */
export async function webhookSecretSince(ctx: TeamContext): Promise<Date | null> {
  const team = await db.team.findUnique({ where: { id: scoped(ctx).teamId }, select: { webhookSecretRotatedAt: true } });
  return team?.webhookSecretRotatedAt ?? null;
}

/**
 * Makes the team's secret if it has none (with its first endpoint). Returns the new secret, to
 * be shown once, or null when one existed. The conditional update keeps two concurrent first
 * endpoints from making two secrets.
 */
export async function ensureWebhookSecret(ctx: TeamContext): Promise<string | null> {
  const secret = generateToken("whsec");
  const made = await db.team.updateMany({ where: { id: scoped(ctx).teamId, webhookSecretCiphertext: null }, data: sealSecret(secret) });
  return made.count ? secret : null;
}

/** Replaces the team's secret; the new one is returned once. Receivers must be given it before the next delivery verifies. */
export async function rotateWebhookSecret(ctx: TeamContext): Promise<string> {
  if (ctx.team.isTrial) throw new WebhookError("trial", "Trial teams cannot send webhooks; create an account to be notified.");
  const secret = generateToken("whsec");
  await db.$transaction(async (tx) => {
    await tx.team.update({ where: { id: scoped(ctx).teamId }, data: sealSecret(secret) });
    await recordAudit({ action: "webhook.secret_rotated", ...auditActor(ctx), targetType: "team", targetId: ctx.team.id, data: {} }, tx);
  });
  return secret;
}
