import { ApiError, answer } from "@/lib/api";
import { ScheduleError } from "./store";

// Schedules over HTTP: their refusals in the API's one error shape.
const STATUS: Record<ScheduleError["code"], number> = { invalid: 400, "not-found": 404, trial: 403 };

/** Like lib/api `answer`, with a ScheduleError answered as 400 (one issue per field), 404 or 403. */
export function answerSchedule(fn: () => Promise<Response>): Promise<Response> {
  return answer(async () => {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err;
      const issues = Object.entries(err.errors).map(([path, message]) => ({ path, message }));
      const code = err.code === "invalid" ? "invalid_request" : err.code.replace(/-/g, "_");
      throw new ApiError(STATUS[err.code], code, err.message, issues.length ? issues : undefined);
    }
  });
}
