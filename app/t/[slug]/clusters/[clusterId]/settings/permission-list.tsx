/** Every answer of the permission check, for people who think in verbs and resources. */
export function PermissionList({ permissions }: { permissions: Record<string, boolean> }) {
  const entries = Object.entries(permissions);
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-slate-600">Every permission asked ({entries.length})</summary>
      <ul className="mt-2 grid gap-1 sm:grid-cols-2">
        {entries.map(([key, allowed]) => (
          <li key={key} className="flex items-center gap-2">
            <span aria-hidden className={allowed ? "text-emerald-600" : "text-red-600"}>
              {allowed ? "✓" : "✗"}
            </span>
            <code className="text-xs">{key}</code>
            <span className="sr-only">{allowed ? "allowed" : "denied"}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
