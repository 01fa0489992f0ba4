import type { ExecutionState } from "@/lib/db";

// One colour per verdict for every chart and report (the badges' tones, told apart where two
// verdicts share a tone): passed green, failed red, error dark red, the amber family for
// stopped, aborted and not started, blue while in progress.
export const VERDICT_COLORS: Record<ExecutionState, string> = {
  PASSED: "#16a34a",
  FAILED: "#dc2626",
  ERROR: "#9f1239",
  STOPPED: "#d97706",
  ABORTED: "#ea580c",
  NOT_STARTED: "#ca8a04",
  QUEUED: "#64748b",
  CHECKING: "#2563eb",
  INJECTING: "#2563eb",
  OBSERVING: "#2563eb",
  RECOVERING: "#2563eb",
  STOPPING: "#2563eb",
};
