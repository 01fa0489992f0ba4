import { z } from "zod";
import { defineJob } from "../define-job";
import { QUEUES } from "../queues";

/**
 * A job that takes a while, so that graceful shutdown can be tested. Its handler refuses to
 * run outside NODE_ENV=test: nothing in the product needs a worker to sit idle.
 */
export const systemSleep = defineJob({
  name: "system.sleep",
  version: 1,
  queue: QUEUES.background,
  schema: z.object({ ms: z.number().int().min(0).max(60_000) }).strict(),
  options: { attempts: 1 },
});
