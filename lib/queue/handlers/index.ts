import type { JobName } from "../jobs";
import { handleSystemPing } from "./system-ping";
import { handleSystemSleep } from "./system-sleep";
import { handleTrialsExpire } from "./trials-expire";
import { handleWebhooksDeliver } from "./webhooks-deliver";
import type { JobHandler } from "./types";

// The code behind every job type. The mapped type makes a job definition without a handler a
// compile error. A new job type: a definition in ../jobs/, a handler file here, one line below.
export const jobHandlers: { [N in JobName]: JobHandler<N> } = {
  "system.ping": handleSystemPing,
  "system.sleep": handleSystemSleep,
  "trials.expire": handleTrialsExpire,
  "webhooks.deliver": handleWebhooksDeliver,
};

export type { JobContext, JobHandler } from "./types";
