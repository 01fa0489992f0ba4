import { BUCKETS, type AppModel } from "./model";

// The shop's metrics in the Prometheus text format (version 0.0.4), as an instrumented service
// exports them: request counts by status code and a latency histogram, from the simulated
// traffic integrated over time (monotonic, so rate() and histogram_quantile() work).

export const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

const num = (x: number) => (Number.isFinite(x) ? String(x) : x > 0 ? "+Inf" : "NaN");

/** Series of the given services (all modeled ones when `only` is undefined). */
export function exposition(model: AppModel, only?: { ns: string; name: string }): string {
  const rows = model.counters().filter((r) => !only || (r.model.ns === only.ns && r.model.name === only.name));
  const lines: string[] = [];
  const head = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  head("http_requests_total", "counter", "HTTP requests served, by status code (simulated traffic).");
  for (const r of rows) {
    const l = `namespace="${r.model.ns}",service="${r.model.name}"`;
    const codes = new Map(r.acc.codes);
    if (!codes.has("200")) codes.set("200", 0);
    for (const [code, v] of [...codes].sort()) lines.push(`http_requests_total{${l},code="${code}"} ${Math.floor(v)}`);
  }
  head("http_request_duration_seconds", "histogram", "Time to answer an HTTP request, calls to other services included.");
  for (const r of rows) {
    const l = `namespace="${r.model.ns}",service="${r.model.name}"`;
    const count = Math.floor(r.acc.count);
    BUCKETS.forEach((le, i) => lines.push(`http_request_duration_seconds_bucket{${l},le="${le}"} ${Math.min(count, Math.floor(r.acc.buckets[i]!))}`));
    lines.push(`http_request_duration_seconds_bucket{${l},le="+Inf"} ${count}`);
    lines.push(`http_request_duration_seconds_sum{${l}} ${r.acc.sum.toFixed(6)}`);
    lines.push(`http_request_duration_seconds_count{${l}} ${count}`);
  }
  head("shop_ready_replicas", "gauge", "Ready replicas behind the service.");
  for (const r of rows) lines.push(`shop_ready_replicas{namespace="${r.model.ns}",service="${r.model.name}"} ${r.ready}`);
  head("shop_utilisation_ratio", "gauge", "Offered load over the capacity of the Ready replicas.");
  for (const r of rows) lines.push(`shop_utilisation_ratio{namespace="${r.model.ns}",service="${r.model.name}"} ${num(Math.round(r.utilisation * 1000) / 1000)}`);
  return lines.join("\n") + "\n";
}
