import type { ReactNode } from "react";

/**
 * Lists of things are tables: a header row and one row per item. The box is positioned, so what
 * is absolutely placed inside a cell (a screen-reader-only label, a confirmation box) scrolls
 * with the table instead of widening the page on a phone.
 *
 * stackOnPhone: below the small breakpoint each row becomes a block of its cells, each under the
 * label its Td names, for tables whose columns are too many or too long to sit side by side on a
 * phone. The roles are explicit because a table laid out as blocks loses its implicit ones.
 */
export function Table({ head, children, stackOnPhone = false }: { head: string[]; children: ReactNode; stackOnPhone?: boolean }) {
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table role={stackOnPhone ? "table" : undefined} className={`min-w-full divide-y divide-slate-200 text-sm ${stackOnPhone ? "max-sm:block" : ""}`}>
        <thead role={stackOnPhone ? "rowgroup" : undefined} className={`bg-slate-50 ${stackOnPhone ? "max-sm:hidden" : ""}`}>
          <tr role={stackOnPhone ? "row" : undefined}>
            {head.map((h) => (
              <th key={h} scope="col" role={stackOnPhone ? "columnheader" : undefined} className="px-4 py-2.5 text-left font-medium text-slate-600">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role={stackOnPhone ? "rowgroup" : undefined} className={`divide-y divide-slate-100 ${stackOnPhone ? "max-sm:block" : ""}`}>
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** A row of a stackOnPhone table. */
export function StackedTr({ children }: { children: ReactNode }) {
  return (
    <tr role="row" className="max-sm:block max-sm:px-4 max-sm:py-3">
      {children}
    </tr>
  );
}

/**
 * A cell. In a stackOnPhone table, `label` (the column's header) is shown before the value on a
 * phone; it is drawn by CSS from an attribute, so the page's text has it once, in the header.
 */
export function Td({ children, className = "", label }: { children: ReactNode; className?: string; label?: string }) {
  if (label === undefined) return <td className={`px-4 py-2.5 align-top ${className}`}>{children}</td>;
  return (
    <td
      role="cell"
      data-label={label}
      className={`px-4 py-2.5 align-top max-sm:flex max-sm:gap-3 max-sm:px-0 max-sm:py-0.5 max-sm:before:w-16 max-sm:before:shrink-0 max-sm:before:text-xs max-sm:before:font-medium max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)] ${className}`}
    >
      {/* A box of its own only on a phone, beside the label; on wider screens the cell is as any other. */}
      <div className="min-w-0 sm:contents">{children}</div>
    </td>
  );
}
