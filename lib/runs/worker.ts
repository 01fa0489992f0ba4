// Fault runs, worker side: only worker processes import this.
export { startRunWorker, type RunWorkerHandle } from "./run-worker";
export { processRun, type RunWorkerContext } from "./process-run";
export { sweepRuns } from "./recover-runs";
