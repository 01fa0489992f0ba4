import { deliverWebhook } from "@/lib/webhooks/deliver";
import type { JobHandler } from "./types";

// One attempt of a webhook delivery; a failure that may pass throws and the queue retries it
// with exponential back-off (the delivery row records each attempt).
export const handleWebhooksDeliver: JobHandler<"webhooks.deliver"> = async (payload, ctx) => {
  const outcome = await deliverWebhook(payload.deliveryId, { attempt: ctx.attempt, maxAttempts: payload.attempts });
  return { status: outcome.status, responseCode: outcome.responseCode };
};
