import type { JobsOptions } from "bullmq";
import type { z } from "zod";
import type { QueueName } from "./queues";

/**
 * A job type: its name, the version of its payload schema, the queue it travels on and the
 * zod schema of its payload. Payloads carry ids and plain settings, never secrets: they are
 * stored in PostgreSQL and Redis in clear.
 */
export interface JobDefinition<N extends string = string, S extends z.ZodType = z.ZodType> {
  readonly name: N;
  /** Bumped when the payload changes incompatibly; a worker refuses versions it does not know. */
  readonly version: number;
  readonly queue: QueueName;
  readonly schema: S;
  /** Overrides of the default retry policy (see DEFAULT_JOB_OPTIONS). */
  readonly options?: Pick<JobsOptions, "attempts" | "backoff" | "priority">;
  /** A job the worker schedules itself: one occurrence every `everyMs`, with this payload. */
  readonly repeat?: { readonly everyMs: number; readonly payload: z.input<S> };
}

/** Declares a job type; keeps the literal name for typed enqueueing. */
export function defineJob<const N extends string, S extends z.ZodType>(def: JobDefinition<N, S>): JobDefinition<N, S> {
  return def;
}

/** Retries with exponential backoff; finished jobs leave Redis (their record stays in PostgreSQL). */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
} satisfies JobsOptions;
