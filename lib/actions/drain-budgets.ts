import type { V1LabelSelector, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { statusOf } from "./kube-errors";
import type { ActionKube } from "./types";

// What a drain's plan tells before anything is evicted: which pods stay (and why), and which
// evictions a PodDisruptionBudget will hold, each named once with its budget.

/** Whether a label selector (matchLabels and matchExpressions) selects these labels. */
export function selects(selector: V1LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === "In" && !(has && e.values?.includes(value!))) return false;
    if (e.operator === "NotIn" && has && e.values?.includes(value!)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

const nameOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/** Why a live pod is left where it is by a drain, or null when it is evicted. */
export function whyNotEvicted(pod: V1Pod, guarded: ReadonlySet<string>): string | null {
  if (pod.metadata?.annotations?.["kubernetes.io/config.mirror"]) return "a static pod";
  if (pod.metadata?.ownerReferences?.some((o) => o.kind === "DaemonSet")) return "DaemonSet pod";
  if (guarded.has(pod.metadata?.namespace ?? "")) return "protected namespace";
  return null;
}

/**
 * The evictions of `pods` that their PodDisruptionBudgets allow no room for now: for each
 * budget, the pods beyond its `disruptionsAllowed`, as "ns/pod (PodDisruptionBudget ns/name
 * allows N disruption(s) now)". Budgets that cannot be read leave the list empty.
 */
export async function heldByBudgets(kube: ActionKube, pods: readonly V1Pod[]): Promise<string[]> {
  if (pods.length === 0) return [];
  let budgets: V1PodDisruptionBudget[];
  try {
    budgets = (await kube.policy.listPodDisruptionBudgetForAllNamespaces()).items;
  } catch (err) {
    if (statusOf(err) === 403 || statusOf(err) === 404) return [];
    throw err;
  }
  const held: string[] = [];
  for (const pdb of budgets) {
    const mine = pods.filter((p) => p.metadata?.namespace === pdb.metadata?.namespace && selects(pdb.spec?.selector, p.metadata?.labels));
    const allowed = pdb.status?.disruptionsAllowed ?? 0;
    for (const pod of mine.slice(allowed)) {
      held.push(`${nameOf(pod)} (PodDisruptionBudget ${nameOf(pdb)} allows ${allowed} disruption${allowed === 1 ? "" : "s"} now)`);
    }
  }
  return held;
}
