import { UnrecoverableError, WaitingError, type Job } from "bullmq";
import type { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import type { Logger } from "@/lib/log";
import { jobHandlers, type JobContext } from "./handlers";
import { findJobDefinition } from "./jobs";
import { queueMessageSchema } from "./message";

export interface ProcessContext {
  workerId: string;
  /** Aborted when the worker's shutdown deadline passes: running jobs go back to the queue. */
  shutdown: AbortSignal;
  log: Logger;
}

type Result = Prisma.InputJsonValue | null;
// Handlers are typed per job name; here the payload has just been validated by that name's schema.
type UntypedHandler = (payload: unknown, ctx: JobContext) => Promise<Prisma.InputJsonValue>;

const RETURNED = Symbol("returned");

function describe(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

// Records a failure on the row unless it already finished (a redelivered message must not
// overwrite a result).
async function recordFailure(id: string, error: string): Promise<void> {
  await db.backgroundJob.updateMany({
    where: { id, state: { in: ["QUEUED", "ACTIVE"] } },
    data: { state: "FAILED", error, completedAt: new Date() },
  });
}

async function refuse(id: string, error: string): Promise<never> {
  await recordFailure(id, error);
  throw new UnrecoverableError(error);
}

// Resolves when the shutdown deadline passes; the caller removes the listener once done.
function whenAborted(signal: AbortSignal): { promise: Promise<typeof RETURNED>; dispose: () => void } {
  let onAbort = () => {};
  const promise = new Promise<typeof RETURNED>((resolve) => {
    onAbort = () => resolve(RETURNED);
    if (signal.aborted) resolve(RETURNED);
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

// Puts the job back in the waiting list so that another worker (or this one, restarted) runs it.
async function handBack(job: Job, token: string | undefined, id: string): Promise<never> {
  await db.backgroundJob.update({ where: { id }, data: { state: "QUEUED", workerId: null, startedAt: null } });
  await job.moveToWait(token);
  throw new WaitingError(`job ${id} returned to the queue at shutdown`);
}

// A repeating job's occurrence gets its row on delivery; the upsert keeps a redelivery to one row.
async function recordOccurrence(job: Job, type: string): Promise<string> {
  if (!job.id) throw new UnrecoverableError("A scheduled job without an id");
  const payload = (findJobDefinition(type)?.repeat?.payload ?? {}) as Prisma.InputJsonValue;
  await db.backgroundJob.upsert({ where: { id: job.id }, create: { id: job.id, type, payload }, update: {} });
  return job.id;
}

/**
 * Runs one queue message: validates it and the stored payload, records ACTIVE, runs the
 * handler, records COMPLETED or the error. An invalid message or payload fails that job only,
 * with the reason on the row; retries are left to BullMQ's backoff.
 */
export async function processJob(job: Job, token: string | undefined, ctx: ProcessContext): Promise<Result> {
  const message = queueMessageSchema.safeParse(job.data);
  if (!message.success) {
    const error = `Invalid queue message: ${describe(message.error)}`;
    // A message whose BullMQ id names a row still leaves its reason there.
    if (job.id) await recordFailure(job.id, error);
    throw new UnrecoverableError(error);
  }
  const { type, version } = message.data;
  const id = message.data.scheduled ? await recordOccurrence(job, type) : message.data.backgroundJobId;
  const row = await db.backgroundJob.findUnique({ where: { id } });
  if (!row) throw new UnrecoverableError(`No BackgroundJob record ${id}`);
  // Delivered again after it finished (a worker died between the two writes): nothing to redo.
  if (row.state === "COMPLETED") return (row.result ?? null) as Result;

  const def = findJobDefinition(row.type);
  if (!def) return refuse(id, `Unknown job type ${row.type}`);
  if (type !== row.type) return refuse(id, `Message type ${type} does not match the record's type ${row.type}`);
  if (version !== def.version) return refuse(id, `${type} version ${version} is not handled here (version ${def.version} is)`);
  const payload = def.schema.safeParse(row.payload);
  if (!payload.success) return refuse(id, `Invalid payload for ${type}: ${describe(payload.error)}`);

  if (ctx.shutdown.aborted) return handBack(job, token, id);
  await db.backgroundJob.update({
    where: { id },
    data: { state: "ACTIVE", workerId: ctx.workerId, startedAt: new Date(), error: null, attempts: { increment: 1 } },
  });

  const handler = jobHandlers[def.name] as UntypedHandler;
  const jobCtx: JobContext = {
    backgroundJobId: id,
    workerId: ctx.workerId,
    attempt: job.attemptsMade + 1,
    signal: ctx.shutdown,
    log: ctx.log.child({ jobId: id, type }),
  };
  const deadline = whenAborted(ctx.shutdown);
  try {
    const outcome = await Promise.race([handler(payload.data, jobCtx), deadline.promise]);
    if (outcome === RETURNED) return await handBack(job, token, id);
    await db.backgroundJob.update({ where: { id }, data: { state: "COMPLETED", result: outcome, completedAt: new Date() } });
    return outcome;
  } catch (err) {
    if (err instanceof WaitingError) throw err;
    const error = err instanceof Error ? err.message : String(err);
    const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await db.backgroundJob.update({
      where: { id },
      data: final ? { state: "FAILED", error, completedAt: new Date() } : { state: "QUEUED", error },
    });
    throw err instanceof Error ? err : new Error(error);
  } finally {
    deadline.dispose();
  }
}
