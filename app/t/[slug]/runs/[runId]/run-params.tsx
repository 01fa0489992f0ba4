import { describeAction, getAction } from "@/lib/actions";

// A run's parameters as people read them: each under the label the Run form gives its field
// (the action's parameter descriptions), in the form's order, rather than as raw JSON keys.
// Lists of words (a job's command) read one per line, as the form takes them. Shared by the run
// page and the shared-result page.

const humanise = (key: string) => {
  const words = key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const valueText = (v: unknown): string =>
  typeof v === "string" ? v : Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join("\n") : JSON.stringify(v);

/** The parameters as [label, value] rows, labelled and ordered as the action's form does. */
export function runParamRows(actionId: string, params: unknown): [string, string][] {
  if (!params || typeof params !== "object" || Array.isArray(params)) return [];
  const action = getAction(actionId);
  const props = (action ? describeAction(action).paramsSchema.properties : undefined) as Record<string, { description?: string }> | undefined;
  const order = Object.keys(props ?? {});
  const entries = Object.entries(params as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0));
  entries.sort(([a], [b]) => (order.indexOf(a) === -1 ? 1e6 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 1e6 : order.indexOf(b)));
  return entries.map(([k, v]) => [props?.[k]?.description ?? humanise(k), valueText(v)]);
}

/** The parameters as a list, each label above its value (the run page's narrow side column, as Details). */
export function RunParams({ actionId, params }: { actionId: string; params: unknown }) {
  const rows = runParamRows(actionId, params);
  if (rows.length === 0) return <p className="text-sm text-slate-500">No parameters.</p>;
  return (
    <dl className="space-y-2 text-sm" aria-label="Parameters">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className="whitespace-pre-wrap break-words font-mono text-xs leading-5">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
