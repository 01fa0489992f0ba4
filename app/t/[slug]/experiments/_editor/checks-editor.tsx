"use client";

import { Button } from "@/app/_components/ui";
import { CONDITIONS, move, newCheck, type CheckDraft } from "./draft";
import { Field, inputClass, ItemControls, SelectField, TextField, useError } from "./fields";

const MODES = [
  { value: "before", label: "before: must pass before any fault" },
  { value: "during", label: "during: watched while faults are active" },
  { value: "after", label: "after: must pass within the recovery window" },
  { value: "before-and-after", label: "before and after" },
];
const CONDITION_LABELS: Record<(typeof CONDITIONS)[number], string> = {
  "workload-available": "A workload's available replicas",
  "pods-ready": "The share of Ready pods",
  "no-crash-loop": "No container in CrashLoopBackOff",
  "nodes-ready": "Ready nodes",
  "object-field": "A field of any object",
};
const OPS = ["==", "!=", "<", "<=", ">", ">="];

/** The steady-state hypothesis: each check with its type's fields, its mode and, during faults, its stop condition. */
export function ChecksEditor({ checks, onChange }: { checks: CheckDraft[]; onChange: (checks: CheckDraft[]) => void }) {
  const error = useError("checks");
  return (
    <div className="space-y-4">
      {error ? <p className="text-xs text-red-700">{error}</p> : null}
      {checks.map((c, i) => (
        <CheckEditor
          key={c.key}
          i={i}
          count={checks.length}
          check={c}
          onChange={(next) => onChange(checks.map((x, j) => (j === i ? next : x)))}
          onMove={(by) => onChange(move(checks, i, by))}
          onRemove={() => onChange(checks.filter((_, j) => j !== i))}
        />
      ))}
      <Button type="button" variant="secondary" onClick={() => onChange([...checks, newCheck(checks.length)])}>
        Add a check
      </Button>
    </div>
  );
}

function CheckEditor({ i, count, check: c, onChange, onMove, onRemove }: { i: number; count: number; check: CheckDraft; onChange: (c: CheckDraft) => void; onMove: (by: -1 | 1) => void; onRemove: () => void }) {
  const p = `checks.${i}`;
  const id = `c${i}`;
  const set = <K extends keyof CheckDraft>(k: K) => (v: CheckDraft[K]) => onChange({ ...c, [k]: v });
  const stopError = useError(`${p}.stopOnTrip`);
  const toleranceError = useError(`${p}.tolerance`, true);
  return (
    <section aria-label={`Check ${i + 1}`} className="rounded-md border border-slate-200 p-3 sm:p-4">
      <div className="mb-3 flex items-start justify-between gap-2">
        <h3 className="pt-1 text-sm font-semibold text-slate-700">Check {i + 1}</h3>
        <ItemControls what={`check ${i + 1}`} index={i} count={count} onMove={onMove} onRemove={onRemove} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id={`${id}-name`} path={`${p}.name`} label="Check name" value={c.name} onChange={set("name")} />
        <SelectField id={`${id}-type`} path={`${p}.type`} label="Type" value={c.type} onChange={(v) => set("type")(v as CheckDraft["type"])} options={[{ value: "http", label: "HTTP" }, { value: "kubernetes", label: "Kubernetes state" }, { value: "prometheus", label: "Prometheus query" }]} />
        <SelectField id={`${id}-mode`} path={`${p}.mode`} label="Mode" value={c.mode} onChange={set("mode")} options={MODES} />
        {c.mode === "during" ? (
          <TextField id={`${id}-interval`} path={`${p}.intervalSeconds`} label="Every (seconds)" numeric placeholder="5" hint="Evaluated this often while any fault is active." value={c.intervalSeconds} onChange={set("intervalSeconds")} />
        ) : null}
        {c.mode === "during" ? (
          <Field id={`${id}-tolerance`} label="Tolerance" error={toleranceError} hint="Failures tolerated before the check trips (errors count as failures).">
            <div className="flex gap-2">
              <input id={`${id}-tolerance`} aria-invalid={toleranceError ? true : undefined} value={c.tolerance} onChange={(e) => set("tolerance")(e.target.value)} inputMode="numeric" placeholder="0" autoComplete="off" className={inputClass(!!toleranceError)} />
              <select aria-label="Tolerance as" value={c.toleranceKind} onChange={(e) => set("toleranceKind")(e.target.value as CheckDraft["toleranceKind"])} className={`${inputClass(false)} w-auto`}>
                <option value="failures">failures</option>
                <option value="percent">% of evaluations</option>
              </select>
            </div>
          </Field>
        ) : null}
        {c.mode === "during" ? (
          <div className="space-y-1 sm:col-span-2">
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" checked={c.stopOnTrip} onChange={(e) => set("stopOnTrip")(e.target.checked)} className="h-4 w-4" />
              Stop the experiment when it trips (every active fault is aborted and rolled back)
            </label>
            {stopError ? <p className="text-xs text-red-700">{stopError}</p> : null}
          </div>
        ) : null}
      </div>
      <div className="mt-4 grid gap-4 border-t border-slate-200 pt-3 sm:grid-cols-2">
        {c.type === "http" ? <HttpFields p={p} id={id} c={c} set={set} /> : c.type === "kubernetes" ? <KubernetesFields p={p} id={id} c={c} set={set} /> : <PrometheusFields p={p} id={id} c={c} set={set} />}
      </div>
    </section>
  );
}

type Setter = <K extends keyof CheckDraft>(k: K) => (v: CheckDraft[K]) => void;
type Props = { p: string; id: string; c: CheckDraft; set: Setter };

function HttpFields({ p, id, c, set }: Props) {
  const t = `${p}.target`;
  const e = `${p}.expect`;
  return (
    <>
      <SelectField id={`${id}-target`} path={`${t}.kind`} label="Ask" value={c.targetKind} onChange={(v) => set("targetKind")(v as CheckDraft["targetKind"])} options={[{ value: "service", label: "A service in the cluster (service proxy)" }, { value: "url", label: "A public URL" }]} />
      <SelectField id={`${id}-method`} path={`${t}.method`} label="Method" value={c.method} onChange={set("method")} options={["GET", "HEAD", "POST"]} />
      {c.targetKind === "service" ? (
        <>
          <TextField id={`${id}-ns`} path={`${t}.namespace`} label="Namespace" value={c.namespace} onChange={set("namespace")} placeholder="e.g. shop" />
          <TextField id={`${id}-svc`} path={`${t}.service`} label="Service" value={c.service} onChange={set("service")} placeholder="e.g. frontend" />
          <TextField id={`${id}-port`} path={`${t}.port`} label="Port" value={c.port} onChange={set("port")} placeholder="http or 8080" hint="A port name or number of the service." />
          <TextField id={`${id}-path`} path={`${t}.path`} label="Path" value={c.path} onChange={set("path")} placeholder="/" />
        </>
      ) : (
        <TextField id={`${id}-url`} path={`${t}.url`} label="URL" value={c.url} onChange={set("url")} placeholder="https://shop.example.com/healthz" wide />
      )}
      <TextField id={`${id}-status`} path={`${e}.status`} under label="Expected status" value={c.status} onChange={set("status")} placeholder="2xx" hint="Codes, classes or ranges, separated by commas: 200, 2xx, 300-399." />
      <TextField id={`${id}-latency`} path={`${e}.maxLatencyMs`} label="Latency at most (ms)" numeric value={c.maxLatencyMs} onChange={set("maxLatencyMs")} hint="Optional." />
      <TextField id={`${id}-contains`} path={`${e}.bodyContains`} label="Body contains" value={c.bodyContains} onChange={set("bodyContains")} hint="Optional." />
      <TextField id={`${id}-matches`} path={`${e}.bodyMatches`} label="Body matches (regular expression)" value={c.bodyMatches} onChange={set("bodyMatches")} hint="Optional." />
    </>
  );
}

function KubernetesFields({ p, id, c, set }: Props) {
  const k = `${p}.check`;
  const cond = c.condition;
  return (
    <>
      <SelectField id={`${id}-condition`} path={`${k}.condition`} label="Condition" value={cond} onChange={(v) => set("condition")(v as CheckDraft["condition"])} options={CONDITIONS.map((v) => ({ value: v, label: CONDITION_LABELS[v] }))} />
      {cond === "object-field" ? (
        <>
          <TextField id={`${id}-apiversion`} path={`${k}.apiVersion`} label="API version" value={c.apiVersion} onChange={set("apiVersion")} placeholder="apps/v1" />
          <TextField id={`${id}-kind`} path={`${k}.kind`} label="Kind" value={c.kind} onChange={set("kind")} placeholder="Deployment" />
        </>
      ) : null}
      {cond === "workload-available" ? <SelectField id={`${id}-workload`} path={`${k}.workload`} label="Workload" value={c.workload} onChange={set("workload")} options={["Deployment", "StatefulSet"]} /> : null}
      {cond !== "nodes-ready" ? (
        <TextField id={`${id}-kns`} path={`${k}.namespace`} label="Namespace" value={c.namespace} onChange={set("namespace")} placeholder="e.g. shop" hint={cond === "object-field" ? "Empty for a cluster-scoped object." : undefined} />
      ) : null}
      {cond === "workload-available" || cond === "object-field" ? <TextField id={`${id}-oname`} path={`${k}.name`} label="Name" value={c.objectName} onChange={set("objectName")} placeholder="e.g. cart" /> : null}
      {cond === "workload-available" ? <TextField id={`${id}-minavail`} path={`${k}.minAvailable`} label="Available replicas at least" numeric value={c.minAvailable} onChange={set("minAvailable")} /> : null}
      {cond === "pods-ready" || cond === "no-crash-loop" ? <TextField id={`${id}-selector`} path={`${k}.selector`} label="Label selector" value={c.selector} onChange={set("selector")} placeholder="app=cart" /> : null}
      {cond === "pods-ready" ? <TextField id={`${id}-minready`} path={`${k}.minReadyPercent`} label="Ready pods at least (%)" numeric value={c.minReadyPercent} onChange={set("minReadyPercent")} /> : null}
      {cond === "nodes-ready" ? <TextField id={`${id}-minnodes`} path={`${k}.minReady`} label="Ready nodes at least" numeric value={c.minReady} onChange={set("minReady")} /> : null}
      {cond === "object-field" ? (
        <>
          <TextField id={`${id}-field`} path={`${k}.field`} label="Field" value={c.field} onChange={set("field")} placeholder=".status.readyReplicas" />
          <SelectField id={`${id}-fieldop`} path={`${k}.op`} label="Comparison" value={c.fieldOp} onChange={set("fieldOp")} options={[...OPS, "contains"]} />
          <TextField id={`${id}-fieldvalue`} path={`${k}.value`} label="Value" value={c.fieldValue} onChange={set("fieldValue")} hint="A number, true or false, or text." />
        </>
      ) : null}
    </>
  );
}

function PrometheusFields({ p, id, c, set }: Props) {
  const queryError = useError(`${p}.query`);
  return (
    <>
      <Field id={`${id}-query`} label="PromQL query" error={queryError} hint="Asked of the team's Prometheus (Settings); one number is compared." wide>
        <textarea id={`${id}-query`} rows={2} value={c.query} onChange={(e) => set("query")(e.target.value)} spellCheck={false} aria-invalid={queryError ? true : undefined} className={`${inputClass(!!queryError)} font-mono`} placeholder='sum(rate(http_requests_total{service="checkout",code=~"5.."}[1m]))' />
      </Field>
      <SelectField id={`${id}-op`} path={`${p}.op`} label="Healthy when the value is" value={c.op} onChange={set("op")} options={OPS} />
      <TextField id={`${id}-threshold`} path={`${p}.threshold`} label="Threshold" numeric value={c.threshold} onChange={set("threshold")} />
    </>
  );
}
