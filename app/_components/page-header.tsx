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
    // downwards and moves neither the buttons nor the title.
    <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-start justify-end gap-2">{actions}</div> : null}
    </div>
  );
}
