import { z } from "zod";
import { defineJob } from "../define-job";
import { QUEUES } from "../queues";

/** Every minute: deletes the trials whose time ran out and refills the trial cluster pool (lib/trials). */
export const trialsExpire = defineJob({
  name: "trials.expire",
  version: 1,
  queue: QUEUES.background,
  schema: z.object({}).strict(),
  options: { attempts: 1 },
  repeat: { everyMs: 60_000, payload: {} },
});
