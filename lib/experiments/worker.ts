// Experiment executions, worker side: only worker processes import this.
export { startExperimentWorker, sweepExecutions, type ExperimentWorkerHandle } from "./execution-worker";
export { processExecution, type ExecutionWorkerContext } from "./drive-execution";
export { evaluateDueCheck, tripExecution } from "./during-checks";
