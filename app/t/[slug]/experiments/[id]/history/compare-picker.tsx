"use client";

import { useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/app/_components/ui";

// The history table with a box per row: tick two and Compare opens their difference.
export function ComparePicker({ compareHref, children, rows }: { compareHref: string; rows: { id: string; cells: ReactNode }[]; children: ReactNode }) {
  const [picked, setPicked] = useState<string[]>([]);
  const router = useRouter();
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        {children}
        <div className="flex items-center gap-2">
          <span className="text-xs text-slate-500" aria-live="polite">
            {picked.length === 2 ? "2 picked" : `Pick ${2 - picked.length} more to compare`}
          </span>
          <Button variant="secondary" disabled={picked.length !== 2} onClick={() => router.push(`${compareHref}?a=${encodeURIComponent(picked[0]!)}&b=${encodeURIComponent(picked[1]!)}`)}>
            Compare
          </Button>
        </div>
      </div>
      <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50">
            <tr>
              {["", "Verdict", "Score", "Version", "Who", "Queued", "Took"].map((h, i) => (
                <th key={i} scope="col" className="px-3 py-2.5 text-left font-medium text-slate-600">
                  {h === "" ? <span className="sr-only">Pick</span> : h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.id} className={picked.includes(r.id) ? "bg-brand-50" : undefined}>
                <td className="px-3 py-2.5 align-top">
                  <input type="checkbox" aria-label="Pick for comparison" checked={picked.includes(r.id)} onChange={() => toggle(r.id)} className="h-4 w-4" />
                </td>
                {r.cells}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
