import { UnrecoverableError } from "bullmq";
import type { JobHandler } from "./types";

/** Waits, so tests can stop a worker in the middle of a job. Test runs only. */
export const handleSystemSleep: JobHandler<"system.sleep"> = async ({ ms }, { workerId, signal }) => {
  if (process.env.NODE_ENV !== "test") throw new UnrecoverableError("system.sleep runs only in tests");
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    // Stopping early is allowed: the job is then handed back to the queue, not completed.
    signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  });
  return { slept: ms, workerId };
};
