// Fault actions: what each one does (plan, execute, rollback), the catalog and the safety
// rules. Runs (lib/runs) drive them; pages read the catalog and JSON Schemas from here.
export { listActions, getAction, describeAction, describeCatalog, type ActionSummary } from "./catalog";
export { checkSafety, checkPermissions, confirmationReason, needsConfirmation, protectedNamespaces, ALWAYS_PROTECTED, type SafetySettings } from "./safety";
export { planIdOf, seededRandom, targetKey } from "./select";
export { RunRefusedError, RunAbortedError, ActionFailedError, type RefusalCode } from "./errors";
export { undoSchema, performUndo, type Undo } from "./undo";
export { describeKubeError, statusOf } from "./kube-errors";
export type {
  ActionDefinition,
  ActionContext,
  ActionKube,
  PlanContext,
  Plan,
  Target,
  StepOptions,
  Json,
  JsonObject,
  LogLevel,
} from "./types";
