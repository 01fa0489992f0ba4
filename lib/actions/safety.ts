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

/** The team's protected namespaces, always with kube-system. */
export function protectedNamespaces(settings: Pick<SafetySettings, "protectedNamespaces">): Set<string> {
  return new Set([...ALWAYS_PROTECTED, ...(settings.protectedNamespaces ?? [])]);
}

/** Why a plan needs the typed confirmation (its size, or what the action found), or null. */
export function confirmationReason(plan: Plan, settings: Pick<SafetySettings, "confirmThreshold">): string | null {
  const reasons: string[] = [];
  const count = plan.targets.length;
  if (count > settings.confirmThreshold) reasons.push(`It hits ${count} objects, more than the team's threshold of ${settings.confirmThreshold}.`);
  if (plan.confirmBecause) reasons.push(plan.confirmBecause);
  return reasons.length > 0 ? reasons.join(" ") : null;
}

/** Whether a plan needs the typed confirmation. */
export function needsConfirmation(plan: Plan, settings: Pick<SafetySettings, "confirmThreshold">): boolean {
  return confirmationReason(plan, settings) !== null;
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
  const reason = confirmationReason(plan, settings);
  if (reason && confirm !== actionId) {
    throw new RunRefusedError("confirmation-required", `${reason} Type "${actionId}" to confirm.`, {
      count,
      threshold: settings.confirmThreshold,
      expected: actionId,
      reason,
    });
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
