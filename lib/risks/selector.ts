import type { LabelSelectorJson } from "./types";

/** Whether a label selector (matchLabels and matchExpressions, as a PDB has) selects these labels. */
export function selects(selector: LabelSelectorJson | undefined, labels: Record<string, string>): boolean {
  // policy/v1: an empty selector selects every pod of the namespace; a missing one selects none.
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const v = labels[e.key];
    switch (e.operator) {
      case "In":
        if (!has || !(e.values ?? []).includes(v!)) return false;
        break;
      case "NotIn":
        if (has && (e.values ?? []).includes(v!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
