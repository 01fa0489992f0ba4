import type { ReactNode } from "react";

/** The title block at the top of every page, with optional actions on the right. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    // Top-aligned: a message that appears under a button (a confirmation) grows the actions
    // downwards and moves neither the buttons nor the title. From the small breakpoint up the
    // title and the actions share one row that never wraps: a wide question or answer widens the
    // actions leftwards (the title's column gives way) and the buttons stay at the right; on a
    // phone the actions sit under the title.
    <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0 sm:flex-1">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex min-w-0 flex-wrap items-start justify-end gap-2">{actions}</div> : null}
    </div>
  );
}
