// Schedules: a cron expression with a time zone on an experiment or on one action, fired by
// BullMQ job schedulers, each due time recorded once. See ./README.md.
export { checkCron, describeCron, nextTimes, isTimeZone, timeZones, CRON_MAX_LENGTH } from "./cron";
export {
  createSchedule,
  updateSchedule,
  pauseSchedule,
  resumeSchedule,
  deleteSchedule,
  listSchedules,
  getSchedule,
  listFirings,
  previewSchedule,
  scheduleInputSchema,
  scheduleUpdateSchema,
  ScheduleError,
  LATE_POLICIES,
  type LatePolicy,
  type ScheduleInput,
  type ScheduleUpdate,
  type ScheduleSummary,
} from "./store";
export { SCHEDULES_QUEUE, closeScheduleQueue } from "./queue";
