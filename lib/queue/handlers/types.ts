import type { Prisma } from "@/lib/db";
import type { Logger } from "@/lib/log";
import type { JobName, JobPayload } from "../jobs";

export interface JobContext {
  /** Id of the BackgroundJob row (also the BullMQ job id). */
  backgroundJobId: string;
  /** Which worker process runs the job (`host:pid`). */
  workerId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** Aborted when the worker must stop: a long handler should stop early and leave no half-done step. */
  signal: AbortSignal;
  log: Logger;
}

/**
 * The code behind one job type. It may run more than once for one job (retries, a worker that
 * died): every step must be safe to repeat. Its result is stored on the row as JSON.
 */
export type JobHandler<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<Prisma.InputJsonValue>;
