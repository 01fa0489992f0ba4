import { auditActor, recordAudit } from "@/lib/audit";
import { createId, db } from "@/lib/db";
import { env } from "@/lib/env";
import { enqueueJob } from "@/lib/queue";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { TEST_EVENT, type DeliveredEvent, type WebhookFormat } from "./events";
import { renderBody, type WebhookMessage } from "./format";
import { findOwnWebhook } from "./endpoints";
import { webhookSettings } from "./settings";

/** One delivery as the log shows it: never the body's secrets (it has none) nor the URL. */
export interface DeliverySummary {
  id: string;
  event: string;
  status: "pending" | "retrying" | "delivered" | "failed";
  attempts: number;
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  responseBody: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

/** The app's address for links in messages. */
export const appUrl = (path: string) => new URL(path, env().NEXTAUTH_URL).toString();

/**
 * Records one delivery and queues it, unless this endpoint already has one with the same
 * `dedupeKey` (the same event of the same execution): a trigger that runs twice sends once.
 * Returns the delivery id, or null when it existed.
 */
export async function queueDelivery(
  endpoint: { id: string; teamId: string; format: string },
  event: DeliveredEvent,
  dedupeKey: string,
  message: Omit<WebhookMessage, "id" | "event" | "createdAt">,
  executionId: string | null = null,
): Promise<string | null> {
  const id = createId();
  const body = renderBody({ id, event, createdAt: new Date().toISOString(), ...message }, endpoint.format as WebhookFormat);
  const made = await db.webhookDelivery.createMany({ data: [{ id, teamId: endpoint.teamId, endpointId: endpoint.id, event, dedupeKey, executionId, body }], skipDuplicates: true });
  if (!made.count) return null;
  const s = webhookSettings();
  await enqueueJob("webhooks.deliver", { deliveryId: id, attempts: s.WEBHOOK_ATTEMPTS }, { teamId: endpoint.teamId, retry: { attempts: s.WEBHOOK_ATTEMPTS, backoffMs: s.WEBHOOK_BACKOFF_MS } });
  return id;
}

/** "Send test": a `webhook.test` delivery to one endpoint, queued like any other. Returns its id. */
export async function sendTestWebhook(ctx: TeamContext, endpointId: string): Promise<string> {
  const e = await findOwnWebhook(ctx, endpointId);
  const id = await queueDelivery(e, TEST_EVENT, `test:${createId()}`, { team: { slug: ctx.team.slug, name: ctx.team.name } });
  await recordAudit({ action: "webhook.test_sent", ...auditActor(ctx), targetType: "webhook", targetId: e.id, data: { name: e.name, host: e.urlHost } });
  return id!;
}

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(ctx: TeamContext, endpointId: string, limit = 50): Promise<DeliverySummary[]> {
  await findOwnWebhook(ctx, endpointId);
  const rows = await db.webhookDelivery.findMany({
    where: { ...scoped(ctx), endpointId },
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(limit, 1), 200),
    select: { id: true, event: true, status: true, attempts: true, responseCode: true, latencyMs: true, error: true, responseBody: true, createdAt: true, lastAttemptAt: true, deliveredAt: true },
  });
  return rows.map((r) => ({
    ...r,
    status: r.status as DeliverySummary["status"],
    createdAt: r.createdAt.toISOString(),
    lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  }));
}
