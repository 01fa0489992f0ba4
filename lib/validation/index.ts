// Validation messages for people: one place that turns zod issues into sentences about the
// field. Importing this module installs the sentences as zod's error map (./messages), so
// every schema parsed in a process that imports it speaks the same way.
import "./messages";

export { issueSentence } from "./messages";

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The issues' messages per top-level field; issues about the whole object go under "". */
export function fieldErrorsOf(error: { issues: readonly IssueLike[] }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of error.issues) {
    const key = i.path.length > 0 ? String(i.path[0]) : "";
    const list = (out[key] ??= []);
    if (!list.includes(i.message)) list.push(i.message);
  }
  return out;
}

// "Enter a number." after a field name reads "Count: enter a number."; "IPv4 …" keeps its case.
const continueSentence = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

/**
 * One line naming each field and what is wrong with it ("Pods to kill per round: enter a
 * number no larger than 10000."), for answers that have no form to point at (the API, a
 * refusal). `labels` maps a field's path ("count", "params.count") to the name people know.
 */
export function describeIssues(issues: readonly IssueLike[], labels: Record<string, string> = {}): string {
  // The first issue of each field says enough; a second one about the same value repeats it.
  const seen = new Set<string>();
  const first = issues.filter((i) => {
    const path = i.path.map(String).join(".");
    if (path && seen.has(path)) return false;
    seen.add(path);
    return true;
  });
  const parts = first.map((i) => {
    const path = i.path.map(String).join(".");
    const sentence = /[.!?]$/.test(i.message) ? i.message : `${i.message}.`;
    if (!path) return sentence;
    return `${labels[path] ?? path}: ${continueSentence(sentence)}`;
  });
  return [...new Set(parts)].join(" ");
}
