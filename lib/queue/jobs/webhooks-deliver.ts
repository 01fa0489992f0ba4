import { z } from "zod";
import { defineJob } from "../define-job";
import { QUEUES } from "../queues";

/** One delivery of an outgoing webhook (lib/webhooks): the id, and how many attempts it gets in all. */
export const webhooksDeliver = defineJob({
  name: "webhooks.deliver",
  version: 1,
  queue: QUEUES.webhooks,
  schema: z.strictObject({ deliveryId: z.string().min(1).max(64), attempts: z.number().int().min(1).max(20) }),
});
