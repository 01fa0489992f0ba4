"use client";

import { useId, useMemo, useState } from "react";
import { lineDiff, type DiffLine } from "@/lib/experiments/line-diff";

export interface VersionText {
  version: number;
  /** When and by whom, as the page prints it. */
  label: string;
  /** The version as an experiment file (YAML). */
  yaml: string;
}

/** Unchanged lines kept around each change; longer unchanged runs fold into one row. */
const CONTEXT = 3;

type Row = DiffLine | { op: "fold"; count: number };

function folded(diff: DiffLine[]): Row[] {
  const near = diff.map(() => false);
  diff.forEach((l, i) => {
    if (l.op !== "same") for (let k = Math.max(0, i - CONTEXT); k <= Math.min(diff.length - 1, i + CONTEXT); k++) near[k] = true;
  });
  const rows: Row[] = [];
  for (let i = 0; i < diff.length; ) {
    if (near[i]) rows.push(diff[i++]!);
    else {
      let j = i;
      while (j < diff.length && !near[j]) j++;
      rows.push({ op: "fold", count: j - i });
      i = j;
    }
  }
  return rows;
}

const ROW_STYLE = { add: "bg-emerald-50 text-emerald-900", remove: "bg-red-50 text-red-900", same: "text-slate-700" } as const;
const SIGN = { add: "+", remove: "−", same: " " } as const;

/**
 * Two versions of an experiment side by side as one diff of their files: pick the older and the
 * newer version, and the lines removed and added are highlighted (unchanged stretches folded).
 */
export function VersionDiff({ versions }: { versions: VersionText[] }) {
  const id = useId();
  // Newest first: by default the current version against the one before it.
  const [to, setTo] = useState(versions[0]?.version ?? 1);
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0]?.version ?? 1);
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  const diff = useMemo(() => (a && b ? lineDiff(a.yaml, b.yaml) : []), [a, b]);
  const rows = useMemo(() => folded(diff), [diff]);
  if (versions.length < 2) return <p className="text-sm text-slate-500">One version so far; each save makes a new one, and here you compare any two.</p>;
  const added = diff.filter((l) => l.op === "add").length;
  const removed = diff.filter((l) => l.op === "remove").length;
  const select = (value: number, onChange: (v: number) => void, label: string) => (
    <label className="flex w-full min-w-0 items-center gap-2 text-sm text-slate-600 sm:w-auto">
      <span className="w-10 shrink-0 sm:w-auto">{label}</span>
      <select
        id={`${id}-${label}`}
        aria-label={`${label} version`}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        className="min-w-0 flex-1 truncate rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 sm:flex-none"
      >
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version} · {v.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="space-y-2" data-testid="version-diff">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        {select(from, setFrom, "From")}
        {select(to, setTo, "To")}
        <span className="text-xs text-slate-500" aria-live="polite">
          {from === to ? "The same version." : added + removed === 0 ? "No difference." : `${added} line${added === 1 ? "" : "s"} added, ${removed} removed`}
        </span>
      </div>
      {from !== to && added + removed > 0 ? (
        <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
          <table className="w-full border-collapse font-mono text-xs leading-5" aria-label={`Changes from version ${from} to version ${to}`}>
            <tbody>
              {rows.map((r, i) =>
                r.op === "fold" ? (
                  <tr key={i} className="bg-slate-50 text-slate-500">
                    <td colSpan={4} className="px-2 py-0.5 font-sans">
                      {r.count} unchanged line{r.count === 1 ? "" : "s"}
                    </td>
                  </tr>
                ) : (
                  <tr key={i} className={ROW_STYLE[r.op]} data-op={r.op}>
                    <td className="w-8 select-none px-1 text-right text-slate-400">{r.oldLine ?? ""}</td>
                    <td className="w-8 select-none px-1 text-right text-slate-400">{r.newLine ?? ""}</td>
                    <td className="w-4 select-none text-center" aria-label={r.op === "same" ? undefined : r.op === "add" ? "added" : "removed"}>
                      {SIGN[r.op]}
                    </td>
                    <td className="whitespace-pre pr-3">{r.text}</td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
