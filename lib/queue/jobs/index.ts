import type { z } from "zod";
import { systemPing } from "./system-ping";
import { systemSleep } from "./system-sleep";
import { trialsExpire } from "./trials-expire";
import { webhooksDeliver } from "./webhooks-deliver";

// Every job type the service knows. Definitions hold no handler code, so the web app can
// import them without pulling in what the worker runs.
export const jobDefinitions = [systemPing, systemSleep, trialsExpire, webhooksDeliver] as const;

export type AnyJobDefinition = (typeof jobDefinitions)[number];
export type JobName = AnyJobDefinition["name"];
export type JobDefinitionOf<N extends JobName> = Extract<AnyJobDefinition, { name: N }>;
export type JobPayload<N extends JobName> = z.infer<JobDefinitionOf<N>["schema"]>;

/** The definition of a job type, or undefined for a name this build does not know. */
export function findJobDefinition(name: string): AnyJobDefinition | undefined {
  return jobDefinitions.find((d) => d.name === name);
}

export { systemPing, systemSleep, trialsExpire, webhooksDeliver };
