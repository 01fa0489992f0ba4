// Fault runs, web side: start (with dry run and safety rules), abort, halt-all, read, and
// follow live. The worker side is in ./worker (startRunWorker).
export { startRun } from "./start-run";
export { planRun, runRequestSchema, type RunRequest } from "./plan-run";
export { abortRun, abortOf, abortedByOf, type AbortedBy } from "./abort-run";
export { haltTeamRuns } from "./halt-team";
export { getRunDetail, type RunDetail } from "./get-run-detail";
export { subscribeRunEvents, subscribeTeamRuns, readRunJournal, runEventSchema, runChannel, teamRunsChannel, closeRunEvents, type RunEvent, type TeamRunEvent } from "./run-events";
export { runEventStream, type StreamEvent } from "./run-event-stream";
export { runDurationMs, formatRunDuration } from "./run-duration";
export { teamRunStream, type TeamStreamEvent } from "./team-run-stream";
export { RUNS_QUEUE, closeRunQueue } from "./run-queue";
export { PENDING_STATES, PERMANENT_STATES, isPermanent } from "./run-states";
