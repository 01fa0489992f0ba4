import { z } from "zod";

// What travels through Redis: a pointer to the BackgroundJob row, which holds the payload and
// the state. The type and version let a worker refuse a message it cannot handle.
export const queueMessageSchema = z
  .object({
    backgroundJobId: z.string().min(1).max(64),
    type: z.string().min(1).max(100),
    version: z.number().int().min(1),
    // A scheduled occurrence of a repeating job (see schedule-jobs.ts): its row is created
    // when it is delivered, with the BullMQ job id as its id.
    scheduled: z.literal(true).optional(),
  })
  .strict();

export type QueueMessage = z.infer<typeof queueMessageSchema>;
