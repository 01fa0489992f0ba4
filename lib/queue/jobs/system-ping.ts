import { z } from "zod";
import { defineJob } from "../define-job";
import { QUEUES } from "../queues";

/** A trivial job that proves the path web -> queue -> worker -> PostgreSQL. */
export const systemPing = defineJob({
  name: "system.ping",
  version: 1,
  queue: QUEUES.background,
  schema: z.object({ note: z.string().max(200).optional() }).strict(),
});
