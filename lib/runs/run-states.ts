import type { RunState } from "@/lib/db";

/** States a run leaves on its own (a worker holds or will take it). */
export const PENDING_STATES: readonly RunState[] = ["QUEUED", "RUNNING", "ROLLING_BACK"];

/** States a run never leaves. */
export const PERMANENT_STATES: readonly RunState[] = ["SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "ROLLBACK_FAILED"];

export const isPermanent = (state: RunState): boolean => PERMANENT_STATES.includes(state);
