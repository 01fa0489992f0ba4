import { Queue, type JobsOptions } from "bullmq";
import { z } from "zod";
import { env } from "@/lib/env";
import { producerConnection } from "@/lib/queue";

/** The queue of experiment executions: one job per execution, the execution id as job id. */
export const EXPERIMENTS_QUEUE = "experiments";
/** During-check evaluations: one delayed job per due evaluation. */
export const CHECKS_QUEUE = "checks";

export const executionMessageSchema = z.strictObject({ executionId: z.string().min(1).max(64) });
export type ExecutionMessage = z.infer<typeof executionMessageSchema>;

/** One due evaluation of a during-check: the execution, the check's index, and when it is due (ms since the epoch). */
export const checkMessageSchema = z.strictObject({
  executionId: z.string().min(1).max(64),
  checkIndex: z.number().int().min(0).max(100),
  due: z.number().int().min(0),
});
export type CheckMessage = z.infer<typeof checkMessageSchema>;

// Executions and checks are resumed from PostgreSQL, not retried by BullMQ.
const OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 600, count: 1_000 },
  removeOnFail: { age: 24 * 3600, count: 1_000 },
};

const queues = new Map<string, Queue>();
function queue(name: string): Queue {
  let q = queues.get(name);
  if (!q) queues.set(name, (q = new Queue(name, { connection: producerConnection(), prefix: env().PYSTOL_QUEUE_PREFIX })));
  return q;
}

export const executionQueue = () => queue(EXPERIMENTS_QUEUE);
export const checkQueue = () => queue(CHECKS_QUEUE);

/** Queues an execution; its id is the job id, so it is never queued twice at once. */
export async function enqueueExecution(executionId: string): Promise<void> {
  const message: ExecutionMessage = { executionId };
  await executionQueue().add("execution", message, { ...OPTIONS, jobId: executionId });
}

/** The job id of one due evaluation: the same evaluation scheduled twice is one job. */
export const checkJobId = (m: CheckMessage) => `${m.executionId}-${m.checkIndex}-${m.due}`;

/** Schedules one evaluation of a during-check at its due time. */
export async function scheduleCheck(m: CheckMessage): Promise<void> {
  await checkQueue().add("check", checkMessageSchema.parse(m), { ...OPTIONS, jobId: checkJobId(m), delay: Math.max(0, m.due - Date.now()) });
}

/** Closes this process's queue handles (tests and shutdown). */
export async function closeExperimentQueues(): Promise<void> {
  const all = [...queues.values()];
  queues.clear();
  await Promise.all(all.map((q) => q.close().catch(() => undefined)));
}
