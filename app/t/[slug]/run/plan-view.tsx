import type { Plan } from "@/lib/actions";
import { Table, Td } from "@/app/_components/ui";

function showValue(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.map((x) => (typeof x === "object" ? JSON.stringify(x) : String(x))).join(", ");
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function humanise(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A dry-run plan: its one-line summary, every object it would hit, and the action's notes. */
export function PlanView({ plan }: { plan: Plan }) {
  const detail = Object.entries(plan.detail ?? {});
  return (
    <div className="space-y-3" data-testid="plan">
      <p className="text-sm">
        <span className="font-medium">Plan:</span> {plan.summary}
      </p>
      <Table head={["Kind", "Namespace", "Name"]}>
        {plan.targets.map((t) => (
          <tr key={`${t.kind}/${t.namespace ?? ""}/${t.name}`}>
            <Td>{t.kind}</Td>
            <Td>{t.namespace ?? "—"}</Td>
            <Td className="font-mono text-xs">{t.name}</Td>
          </tr>
        ))}
      </Table>
      {detail.length > 0 ? (
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
          {detail.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-500">{humanise(k)}</dt>
              <dd>{showValue(v)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
