// Detected risks of a cluster: see ./README.md.
export { detectRisks, allowedDisruptions } from "./rules";
export { clusterRisks, readRiskInput, RISKS_KEPT_PER_RULE, type ClusterRisks } from "./read";
export { selects } from "./selector";
export { RISK_RULES, SEVERITY_ORDER, type Risk, type RiskInput, type RiskRule, type RiskObject, type Severity, type TemplateSuggestion } from "./types";
