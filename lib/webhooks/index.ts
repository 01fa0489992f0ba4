// Outgoing webhooks: a team's endpoints, their signed deliveries and the delivery log.
// Worker side (the queue's handler) uses ./deliver; lib/experiments calls ./notify.
export { WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS, WEBHOOK_FORMATS, TEST_EVENT, type WebhookEvent, type WebhookFormat } from "./events";
export { WebhookError } from "./errors";
export {
  createWebhook,
  updateWebhook,
  deleteWebhook,
  listWebhooks,
  getWebhook,
  webhookInputSchema,
  webhookUpdateSchema,
  type WebhookInput,
  type WebhookUpdate,
  type WebhookSummary,
} from "./endpoints";
export { listDeliveries, sendTestWebhook, type DeliverySummary } from "./deliveries";
export { rotateWebhookSecret, webhookSecretSince } from "./secret";
export { SIGNATURE_HEADER, signatureHeader, verifySignature } from "./sign";
