import type { JobHandler } from "./types";

/** Answers with who handled the job and when; touches nothing else. */
export const handleSystemPing: JobHandler<"system.ping"> = async (_payload, { workerId }) => ({
  pong: true,
  workerId,
  handledAt: new Date().toISOString(),
});
