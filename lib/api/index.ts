// The REST API's shared pieces: request parsing, error answers, serialisation and the
// schemas the OpenAPI document is generated from. Route handlers stay thin on top of these.
export { ApiError, answer, handleApiError, methodNotAllowed, parseBody, parseQuery, readTextBody } from "./respond";
export { findCluster, findRun, param } from "./lookup";
export { clusterJson, logJson, runJson, shareLinkJson, stepJson } from "./serialize";
export * as apiSchemas from "./schemas";
export { abortApiRun, listApiRuns, startApiRun } from "./runs";
export { openApiDocument } from "./openapi";
export {
  findExperiment,
  experimentJson,
  experimentSummaryJson,
  experimentVersionJson,
  executionJson,
  executionSummaryJson,
  findExecution,
  planApiExperiment,
  startApiExecution,
  abortApiExecution,
  listApiExecutions,
} from "./experiments";
