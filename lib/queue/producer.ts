import { Queue } from "bullmq";
import { env } from "@/lib/env";
import { producerConnection } from "./connection";
import type { QueueName } from "./queues";

const queues = new Map<QueueName, Queue>();

/** The process's handle on one queue, on the shared producer connection and the env prefix. */
export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: producerConnection(), prefix: env().PYSTOL_QUEUE_PREFIX });
    queues.set(name, queue);
  }
  return queue;
}

/** Closes every queue handle this process opened (the shared connection stays open). */
export async function closeQueues(): Promise<void> {
  const open = [...queues.values()];
  queues.clear();
  await Promise.all(open.map((q) => q.close().catch(() => undefined)));
}
