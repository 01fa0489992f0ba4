// How the CLI prints: plain aligned tables for people, JSON with --json for scripts.

export interface Out {
  json: boolean;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export function printJson(out: Out, value: unknown): void {
  out.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell. */
export function printTable(out: Out, head: string[], rows: (string | number | null | undefined)[][]): void {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? "-" : String(c))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  for (const r of cells) out.stdout(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")}\n`);
}

/** "2026-11-23T12:03:04.000Z" → "2026-11-23 12:03:04" (UTC: the column or the line says so). */
export const when = (iso: string | null | undefined): string => (iso ? iso.slice(0, 19).replace("T", " ") : "-");

/** A log line's time: RFC 3339 in UTC with milliseconds, as `kubectl logs --timestamps` starts its lines. */
export const stamp = (iso: string | null | undefined): string => {
  const t = iso ? new Date(iso) : new Date();
  return Number.isNaN(t.getTime()) ? new Date().toISOString() : t.toISOString();
};
