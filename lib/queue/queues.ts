// The BullMQ queues. Each queue has its own workers, so a slow kind of job (fault runs) never
// holds up another (housekeeping). A new queue is one line here plus its job definitions.
export const QUEUES = {
  /** Short housekeeping jobs of the service itself. */
  background: "background",
  /** Outgoing webhook deliveries: a slow receiver waits here, not in housekeeping. */
  webhooks: "webhooks",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Every queue name, in a stable order (workers and metrics iterate over it). */
export const queueNames: readonly QueueName[] = Object.values(QUEUES);
