import type { ReactNode } from "react";

/** What a list shows when it has nothing yet: what this is and what to do next. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <h3 className="text-base font-semibold">{title}</h3>
      {children ? <div className="mx-auto mt-2 max-w-md text-sm text-slate-600">{children}</div> : null}
      {action ? <div className="mt-5">{action}</div> : null}
    </div>
  );
}

/** Placeholder for a page that is not built yet: names it and says what it will do. */
export function ComingSoon({ feature, what }: { feature: string; what: string }) {
  return (
    <EmptyState title={`Coming soon: ${feature}`}>
      <p>{what}</p>
    </EmptyState>
  );
}
