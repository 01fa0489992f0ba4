import { z } from "zod";
import { settingsFromEnv } from "@/lib/env/settings";

// Timing of schedules on the worker side. Tests and the benchmark shorten them.
const schema = z.object({
  // A due time handled later than this after it passed counts as missed (every worker was
  // down): the schedule's late policy decides. Longer than any normal delivery delay.
  SCHEDULE_LATE_MS: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
  // How often every worker re-ensures the job schedulers and catches up missed due times.
  SCHEDULE_SWEEP_MS: z.coerce.number().int().min(200).max(600_000).default(30_000),
  // Due times one worker handles at once (each mostly waits on PostgreSQL and the cluster).
  SCHEDULE_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(50),
});

export type ScheduleSettings = z.infer<typeof schema>;

/** The schedules' settings, validated once; throws naming the offending variable. */
export const scheduleSettings: () => ScheduleSettings = settingsFromEnv(schema);
