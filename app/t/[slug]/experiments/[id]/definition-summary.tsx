import type { ExperimentCheck, ExperimentDefinition } from "@/lib/experiments";
import { Card } from "@/app/_components/ui";

/** What a check asks, in one line: "GET shop/frontend:http/checkout · expects 2xx, at most 300 ms". */
export function describeCheck(c: ExperimentCheck): string {
  if (c.type === "http") {
    const t = c.target;
    const where = t.kind === "url" ? `${t.method} ${t.url}` : `${t.method} ${t.namespace}/${t.service}:${t.port}${t.path}`;
    const expect = [c.expect.status.join(", "), c.expect.maxLatencyMs ? `at most ${c.expect.maxLatencyMs} ms` : null, c.expect.bodyContains ? `body contains "${c.expect.bodyContains}"` : null, c.expect.bodyMatches ? `body matches /${c.expect.bodyMatches}/` : null];
    return `${where} · expects ${expect.filter(Boolean).join(", ")}`;
  }
  if (c.type === "prometheus") return `${c.query} ${c.op} ${c.threshold}`;
  const k = c.check;
  switch (k.condition) {
    case "workload-available":
      return `${k.workload} ${k.namespace}/${k.name} has at least ${k.minAvailable} available`;
    case "pods-ready":
      return `at least ${k.minReadyPercent}% of pods ${k.selector} in ${k.namespace} Ready`;
    case "no-crash-loop":
      return `no container of ${k.selector} in ${k.namespace} in CrashLoopBackOff`;
    case "nodes-ready":
      return `at least ${k.minReady} Ready nodes`;
    case "object-field":
      return `${k.kind} ${k.namespace ? `${k.namespace}/` : ""}${k.name} ${k.field} ${k.op} ${JSON.stringify(k.value)}`;
  }
}

export function modeText(c: ExperimentCheck): string {
  if (c.mode !== "during") return c.mode.replace(/-/g, " ");
  const tolerance = "percent" in c.tolerance ? `${c.tolerance.percent}% failures tolerated` : `${c.tolerance.failures} ${c.tolerance.failures === 1 ? "failure" : "failures"} tolerated`;
  return `during, every ${c.intervalSeconds} s, ${tolerance}${c.stopOnTrip ? ", stops the experiment" : ""}`;
}

const paramsText = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" · ");

/** An experiment's definition in words: the hypothesis, its stages and faults, its checks, its limits. */
export function DefinitionSummary({ definition: d, titleOf }: { definition: ExperimentDefinition; titleOf: (actionId: string) => string }) {
  return (
    <Card title="Definition">
      <div className="space-y-4 text-sm">
        {d.description ? <p className="text-slate-700">{d.description}</p> : null}
        <div>
          <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Stages</h3>
          <ol className="space-y-2">
            {d.stages.map((s, i) => (
              <li key={i}>
                <p className="font-medium">
                  {i + 1}. {s.name}
                  {s.waitAfterSeconds > 0 ? <span className="font-normal text-slate-500"> · then wait {s.waitAfterSeconds} s</span> : null}
                </p>
                <ul className="ml-4 list-disc text-slate-700">
                  {s.faults.map((f, j) => (
                    <li key={j} className="break-words">
                      {f.name ?? titleOf(f.actionId)}
                      {f.name ? <span className="text-slate-500"> ({titleOf(f.actionId)})</span> : null} · {f.durationSeconds ? `held ${f.durationSeconds} s` : "until done"}
                      <span className="block font-mono text-xs text-slate-500">{paramsText(f.params)}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Checks</h3>
          <ul className="space-y-1.5">
            {d.checks.map((c, i) => (
              <li key={i} className="break-words">
                <span className="font-medium">{c.name}</span> <span className="text-slate-500">({c.type}, {modeText(c)})</span>
                <span className="block font-mono text-xs text-slate-600">{describeCheck(c)}</span>
              </li>
            ))}
          </ul>
        </div>
        <p className="text-slate-600">
          Recovery window {d.recoveryWindowSeconds} s · stopped after {d.maxDurationSeconds} s at most.
        </p>
      </div>
    </Card>
  );
}
