import { FEDERATOR, HEALTH_PATHS, shopService } from "./catalog";
import { exposition, PROMETHEUS_TEXT } from "./exposition";
import { GENERIC_MS, routeKey, type AppModel } from "./model";

// What a simulated pod answers on one of its ports: the shop's services from the application
// model, their metrics ports with their series, the in-cluster Prometheus with /federate, and any
// other workload with a small page saying who answered.

export interface AppAnswer {
  status: number;
  contentType: string;
  body: string;
  /** Simulated time to answer, before the network's share. */
  latencyMs: number;
}

export interface AppRequest {
  ns: string;
  /** The service the pod belongs to, when one selects it. */
  service: string | undefined;
  pod: string;
  /** Name of the port the request reached ("http", "metrics", "" when unnamed). */
  portName: string;
  path: string;
  accept: string;
}

const json = (status: number, body: unknown, latencyMs: number): AppAnswer => ({ status, contentType: "application/json", body: JSON.stringify(body) + "\n", latencyMs });
const text = (status: number, body: string, latencyMs: number, contentType = "text/plain; charset=utf-8"): AppAnswer => ({ status, contentType, body, latencyMs });

const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);

function html(a: AppAnswer, title: string): AppAnswer {
  const data = JSON.parse(a.body) as Record<string, unknown>;
  const rows = Object.entries(data)
    .filter(([, v]) => typeof v !== "object")
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
    .join("");
  return { ...a, contentType: "text/html; charset=utf-8", body: `<!doctype html><html><head><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><table>${rows}</table></body></html>\n` };
}

export function answer(model: AppModel, r: AppRequest): AppAnswer {
  const m = r.service ? shopService(r.ns, r.service) : undefined;
  if (m && r.portName === "metrics") {
    if (r.path !== "/metrics") return text(404, "404 page not found\n", 1);
    return text(200, exposition(model, { ns: m.ns, name: m.name }), 2, PROMETHEUS_TEXT);
  }
  if (r.ns === FEDERATOR.ns && r.service === FEDERATOR.name) {
    if (r.path === "/federate") return text(200, exposition(model), 3, PROMETHEUS_TEXT);
    if (r.path === "/-/healthy") return text(200, "Prometheus Server is Healthy.\n", 1);
    if (r.path === "/-/ready") return text(200, "Prometheus Server is Ready.\n", 1);
  }
  const who = { service: r.service ?? null, namespace: r.ns, pod: r.pod, path: r.path };
  if (!m) return json(200, { ...who, status: "ok" }, GENERIC_MS);
  const st = model.state(m.ns, m.name);
  const key = routeKey(m, r.path);
  const o = model.outcome(m.ns, m.name, key);
  if (!st || !o) return json(503, { ...who, status: "unavailable" }, 1);
  const latency = (ms: number) => Math.round(ms * 100) / 100;
  if (HEALTH_PATHS.has(r.path)) return json(200, { ...who, status: "ok", readyReplicas: st.ready.length }, latency(st.ownMs));
  const id = `${m.ns}/${m.name}${key}`;
  let a: AppAnswer;
  if (!model.decideFailure(id, o.failShare)) {
    const calls = o.calls.map((c) => ({ service: c.service, ok: c.failShare < 1, latencyMs: c.latencyMs, ...(c.optional ? { optional: true } : {}) }));
    a = json(200, { ...who, status: "ok", latencyMs: latency(o.latencyMs), calls }, o.latencyMs);
  } else if (model.decideFailure(`${id}#own`, o.ownErrorShare / o.failShare)) {
    a = json(503, { ...who, status: "overloaded", error: `${m.name} is overloaded: ${Math.round(st.utilisation * 100)}% of its capacity is asked of it` }, st.ownMs);
  } else {
    const failed = o.calls.filter((c) => !c.optional && c.failShare > 0).sort((x, y) => y.failShare - x.failShare)[0];
    const why = failed ? (failed.down ? `${failed.service} is unavailable` : `a call to ${failed.service} failed`) : "a call failed";
    a = json(502, { ...who, status: "upstream-failed", error: why }, st.ownMs);
  }
  return /text\/html/.test(r.accept) && !/json/.test(r.accept) ? html(a, `${m.name} · ${a.status}`) : a;
}
