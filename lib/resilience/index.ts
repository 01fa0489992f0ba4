// Resilience over time: history and comparison of executions, the team's overview and
// coverage, and reports (JSON, printable HTML, PDF). See README.md.
export { diffExecutions, definitionChanges, durationOf, PHASES, type CheckDiff, type ExecutionDiff, type ExecutionSide, type Phase } from "./diff";
export { computeCoverage, SYSTEM_NAMESPACES, type ClusterCoverage, type CoverageExperiment, type CoverageService, type CoverageWorkload, type WorkloadCoverage } from "./coverage";
export { coverageInventory, teamCoverage, type TeamClusterCoverage } from "./coverage-read";
export { dailyScores, teamResilience, TREND_DAYS, type DailyScore, type TeamResilience, type TrendPoint } from "./overview";
export {
  buildReport,
  executionReport,
  rangeReport,
  reportFileName,
  reportRequestSchema,
  reportSchema,
  ReportError,
  REPORT_MAX_EXECUTIONS,
  REPORT_MAX_RANGE_DAYS,
  REPORT_SCHEMA_ID,
  type Report,
  type ReportRequest,
} from "./report";
export { renderReportHtml, scoreTrendSvg } from "./report-html";
export { VERDICT_COLORS } from "./verdict-colors";
export { previousExecutionId } from "./history";
