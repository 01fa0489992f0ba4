// Check evaluators: the steady-state hypothesis of an experiment. A check definition (zod),
// one evaluation of it against a cluster, a URL or the team's Prometheus, and the permissions
// it needs. Clusters are reached only through the guarded client (lib/clusters clientForCluster
// or lib/kube createKubeClient); URLs only through the address guard (lib/kube guardedFetch).
export {
  checkSchema,
  parseCheck,
  prometheusConnectionSchema,
  type CheckDefinition,
  type CheckInput,
  type Comparison,
  type HttpCheck,
  type KubernetesCheck,
  type KubernetesCondition,
  type ParsedCheck,
  type PrometheusCheck,
  type PrometheusConnection,
} from "./schema";
export { evaluateCheck, DEFAULT_CHECK_TIMEOUT_MS, type CheckContext } from "./evaluate";
export type { CheckOutcome, CheckResult } from "./result";
export { checkPermissions, requiredPermissions, type CheckAccess, type CheckPermission } from "./permissions";
export { MAX_MATCHED_BYTES } from "./safe-regex";
