// Experiments: a team's named, versioned definitions (stages of fault steps, checks, stop
// conditions) and their executions, each fault step a run of lib/runs. See ./README.md.
export {
  experimentDefinitionSchema,
  experimentCheckSchema,
  experimentNameSchema,
  faultStepSchema,
  stageSchema,
  toleranceSchema,
  parseDefinition,
  phasesOf,
  CHECK_MODES,
  type CheckMode,
  type ExperimentCheck,
  type ExperimentDefinition,
  type ExperimentDefinitionInput,
  type ParsedDefinition,
  type Tolerance,
} from "./definition";
export { ExperimentError } from "./errors";
export {
  createExperiment,
  updateExperiment,
  getExperiment,
  listExperiments,
  listExperimentVersions,
  deleteExperiment,
  definitionOf,
  type ExperimentInput,
  type ExperimentSummary,
} from "./store";
export { PENDING_EXECUTION_STATES, VERDICT_STATES, isVerdict, verdictLabel, verdictExitCode, type Verdict } from "./states";
export type { ExperimentPlan, ExecutionDetail, ExecutionSummary, CheckSamplePoint, CheckThreshold } from "./types";
export { planExperiment, faultSeed, type PlanInput } from "./plan-experiment";
export { startExecution, abortExecution, requestExecutionStop, haltTeamExecutions, getExecutionDetail, listExecutions, type StartExecutionOptions } from "./executions";
export { checkThreshold, hasTripped, resilienceScore, TRIPPED_SCORE_CAP, PERCENT_TOLERANCE_MIN_EVALUATIONS } from "./judge";
export {
  executionEventSchema,
  subscribeExecutionEvents,
  readExecutionJournal,
  executionChannel,
  type ExecutionEvent,
  type ExecutionJournalEntry,
} from "./execution-events";
export { executionEventStream, parseJournalId, type ExecutionEventStreamOptions } from "./execution-event-stream";
export { EXPERIMENTS_QUEUE, CHECKS_QUEUE, closeExperimentQueues } from "./queues";
export { prometheusOf, sealPrometheus, PROMETHEUS_SEAL_CONTEXT } from "@/lib/teams/prometheus";
export { haltTeam } from "./halt";
