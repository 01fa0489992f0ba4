import type { Target } from "@/lib/actions";
import type { RunStep } from "@/lib/db";
import { Card, StackedTr, Table, Td } from "@/app/_components/ui";
import { formatTime } from "../run-format";
import { targetKey, type ClusterNow } from "./cluster-now";

const asTarget = (v: unknown): Target | null =>
  v && typeof v === "object" && typeof (v as Target).name === "string" && typeof (v as Target).kind === "string" ? (v as Target) : null;

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v !== "object") return String(v);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return "—";
  return entries.map(([k, x]) => `${k}: ${cut(typeof x === "object" ? JSON.stringify(x) : String(x))}`).join(", ");
}

// A long value (a job's whole output) is cut here: the Result card shows it in full.
const cut = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** Every object a step acted on: its state before, what the step left, and what the cluster shows now. */
export function ObjectsAffected({ steps, now }: { steps: RunStep[]; now: ClusterNow | null }) {
  const rows = steps.flatMap((s) => {
    const target = asTarget(s.target);
    return target ? [{ step: s, target }] : [];
  });
  if (rows.length === 0) return null;
  return (
    <Card title="Objects affected">
      <div className="space-y-3">
        <Table head={["Object", "Step", "Before", "After", "Now"]} stackOnPhone>
          {rows.map(({ step, target }) => (
            <StackedTr key={step.id}>
              <Td label="Object">
                <span className="text-xs text-slate-500">{target.kind}</span>{" "}
                <span className="font-mono text-xs">
                  {target.namespace ? `${target.namespace}/` : ""}
                  {target.name}
                </span>
              </Td>
              <Td label="Step">
                {step.state.toLowerCase().replace("_", " ")}
                {step.undoneAt ? <div className="text-xs text-slate-500">undone {formatTime(step.undoneAt)}</div> : null}
              </Td>
              {/* Before and After break anywhere (a key like "wasUnschedulable:" is one long word), so the
                  table fits the card and the short state under Now keeps its words whole. */}
              <Td label="Before" className="text-xs wrap-anywhere">{show(step.before)}</Td>
              <Td label="After" className="text-xs wrap-anywhere">{step.error ?? show(step.after)}</Td>
              <Td label="Now" className="text-xs">{now?.states[targetKey(target)] ?? "—"}</Td>
            </StackedTr>
          ))}
        </Table>
        {now?.replacements ? (
          <div className="text-sm" data-testid="replacements">
            {now.replacements.length === 0 ? (
              <p className="text-slate-600">No new pod matches the selector yet: the killed pods have not been replaced.</p>
            ) : (
              <p className="text-slate-600">
                Replaced since the run started:{" "}
                {now.replacements.map((p, i) => (
                  <span key={p.name}>
                    {i > 0 ? ", " : ""}
                    <span className="font-mono text-xs text-slate-900">{p.name}</span> ({p.phase.toLowerCase()})
                  </span>
                ))}
              </p>
            )}
          </div>
        ) : null}
        {now?.error ? <p className="text-xs text-slate-500">The cluster could not be read now: {now.error}</p> : null}
      </div>
    </Card>
  );
}
