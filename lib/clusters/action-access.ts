import { listActions } from "@/lib/actions";

/** Whether a cluster's credentials allow one fault action, and what they lack for it. */
export interface ActionAccess {
  id: string;
  title: string;
  allowed: boolean;
  /** Permissions the probe answered "no" to. */
  missing: string[];
  /** Permissions the probe did not ask (the API server decides at run time). */
  unknown: string[];
}

/**
 * Reads a probe's answers (`"<verb> <resource>" → boolean`, see lib/kube probeCluster) as the
 * list of fault actions these credentials can run. Null when the cluster was never probed.
 */
export function actionAccess(permissions: unknown): ActionAccess[] | null {
  if (!permissions || typeof permissions !== "object" || Array.isArray(permissions)) return null;
  const answers = permissions as Record<string, unknown>;
  return listActions().map((a) => {
    const missing = a.permissions.filter((p) => answers[p] === false);
    const unknown = a.permissions.filter((p) => typeof answers[p] !== "boolean");
    return { id: a.id, title: a.title, allowed: missing.length === 0 && unknown.length === 0, missing, unknown };
  });
}
