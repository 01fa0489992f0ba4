import { RunRefusedError } from "./errors";
import type { Plan } from "./types";

/** The team settings every run obeys (columns of Team). */
export interface SafetySettings {
  protectedNamespaces: readonly string[];
  blastRadiusLimit: number;
  confirmThreshold: number;
}

/** Namespaces no run may touch whatever the team configured. */
export const ALWAYS_PROTECTED: readonly string[] = ["kube-system"];

/** The team's protected namespaces, with kube-system unless the list is absent entirely. */
export function protectedNamespaces(settings: Pick<SafetySettings, "protectedNamespaces">): Set<string> {
  return new Set(settings.protectedNamespaces ?? ALWAYS_PROTECTED);
}

/** Whether a plan this size needs the typed confirmation. */
export function needsConfirmation(plan: Plan, settings: SafetySettings): boolean {
  return plan.targets.length > settings.confirmThreshold;
}

/**
 * Refuses a plan that breaks a safety rule: a target in a protected namespace, more targets
 * than the blast-radius limit, or a large plan without the typed confirmation (the action id).
 */
export function checkSafety(actionId: string, plan: Plan, settings: SafetySettings, confirm?: string): void {
  const guarded = protectedNamespaces(settings);
  const hit = plan.targets.filter((t) => t.namespace !== undefined && guarded.has(t.namespace));
  if (hit.length > 0) {
    const names = [...new Set(hit.map((t) => t.namespace))].join(", ");
    throw new RunRefusedError("protected-namespace", `The plan touches the protected namespace ${names}`, {
      namespaces: names,
    });
  }
  const count = plan.targets.length;
  if (count > settings.blastRadiusLimit) {
    throw new RunRefusedError(
      "blast-radius",
      `The plan hits ${count} objects; the team's blast-radius limit is ${settings.blastRadiusLimit}`,
      { count, limit: settings.blastRadiusLimit },
    );
  }
  if (needsConfirmation(plan, settings) && confirm !== actionId) {
    throw new RunRefusedError(
      "confirmation-required",
      `The plan hits ${count} objects (more than ${settings.confirmThreshold}): type "${actionId}" to confirm`,
      { count, threshold: settings.confirmThreshold, expected: actionId },
    );
  }
}

/**
 * Refuses when the cluster's recorded permissions deny one the action needs. Permissions the
 * probe did not record are left to the API server, which answers 403 and fails the run.
 */
export function checkPermissions(required: readonly string[], recorded: unknown): void {
  if (!recorded || typeof recorded !== "object") return;
  const map = recorded as Record<string, unknown>;
  const missing = required.filter((p) => map[p] === false);
  if (missing.length > 0) {
    throw new RunRefusedError("missing-permissions", `The cluster's credentials may not: ${missing.join(", ")}`, {
      missing,
    });
  }
}
