// A line diff of two texts (two versions of an experiment as YAML): the longest common
// subsequence of their lines, so what was kept, added and removed reads as a person expects.
// Pure and dependency-free: the version picker (a client component), the API and the CLI use it.

export interface DiffLine {
  op: "same" | "add" | "remove";
  text: string;
  /** Line number in the old text (same, remove) and in the new one (same, add), from 1. */
  oldLine?: number;
  newLine?: number;
}

/** Definitions are a few hundred lines; past this many lines on each side the diff is coarse (all removed, all added). */
const MAX_LINES = 5000;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The lines of `before` and `after`, each kept, removed or added, in reading order. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // The common head and tail cost nothing; the table is only for the changed middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: "same", text: a[i]!, oldLine: i + 1, newLine: i + 1 });
  if (am.length > MAX_LINES || bm.length > MAX_LINES) {
    am.forEach((text, i) => out.push({ op: "remove", text, oldLine: head + i + 1 }));
    bm.forEach((text, j) => out.push({ op: "add", text, newLine: head + j + 1 }));
  } else {
    // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
    const n = am.length;
    const m = bm.length;
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        out.push({ op: "same", text: am[i]!, oldLine: head + i + 1, newLine: head + j + 1 });
        i++;
        j++;
      } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
        out.push({ op: "add", text: bm[j]!, newLine: head + j + 1 });
        j++;
      } else {
        out.push({ op: "remove", text: am[i]!, oldLine: head + i + 1 });
        i++;
      }
    }
  }
  for (let k = tail; k > 0; k--) out.push({ op: "same", text: a[a.length - k]!, oldLine: a.length - k + 1, newLine: b.length - k + 1 });
  // Within a changed block, removals read before additions.
  for (let k = 1; k < out.length; k++) {
    let x = k;
    while (x > 0 && out[x]!.op === "remove" && out[x - 1]!.op === "add") {
      [out[x - 1], out[x]] = [out[x]!, out[x - 1]!];
      x--;
    }
  }
  return out;
}

/** Whether a diff changes anything. */
export const hasChanges = (diff: DiffLine[]): boolean => diff.some((l) => l.op !== "same");

/**
 * The diff as unified-diff text (`---`/`+++` headers, `@@` hunks with `context` lines around each
 * change), as `git diff` prints it; empty when nothing changed.
 */
export function unifiedDiff(diff: DiffLine[], labels: { before: string; after: string }, context = 3): string {
  if (!hasChanges(diff)) return "";
  const keep = new Array<boolean>(diff.length).fill(false);
  diff.forEach((l, i) => {
    if (l.op === "same") return;
    for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++) keep[k] = true;
  });
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  let i = 0;
  while (i < diff.length) {
    if (!keep[i]) {
      i++;
      continue;
    }
    let end = i;
    while (end < diff.length && keep[end]) end++;
    const hunk = diff.slice(i, end);
    const oldStart = hunk.find((l) => l.oldLine !== undefined)?.oldLine ?? 0;
    const newStart = hunk.find((l) => l.newLine !== undefined)?.newLine ?? 0;
    const oldCount = hunk.filter((l) => l.op !== "add").length;
    const newCount = hunk.filter((l) => l.op !== "remove").length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const l of hunk) out.push(`${l.op === "add" ? "+" : l.op === "remove" ? "-" : " "}${l.text}`);
    i = end;
  }
  return `${out.join("\n")}\n`;
}
