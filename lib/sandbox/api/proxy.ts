import type { IncomingMessage, ServerResponse } from "node:http";
import { answer, type AppAnswer } from "../app/answer";
import { appModel, MAX_DELAY_MS, readyBackends } from "../app/model";
import { ApiError, badRequest, methodNotAllowed, notFound } from "../errors";
import { mapSelectorMatcher } from "../selectors";
import { ENDPOINTS, NODE, POD, SERVICE } from "../resources";
import type { KObject } from "../types";
import { podHealthy } from "../disruption";
import { checkAccess } from "./access";
import type { ClusterHandle } from "./cluster-handle";

// The proxy subresources of services and pods, as kube-apiserver serves them
// (`/api/v1/namespaces/<ns>/services/<[scheme:]name[:port]>/proxy/<path>`), answered by the
// simulated application (lib/sandbox/app) instead of a dialled pod. Resolution and its errors
// follow upstream's ResourceLocation (pkg/registry/core/service/storage and core/pod), wording
// included, so clients that tell "no endpoints" from "the backend said 503" keep doing so.

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

/** A proxy request found in an API path below /api/v1. */
export interface ProxyTarget {
  kind: "services" | "pods";
  ns: string;
  id: string;
  /** The path for the backend, "" when the URL ends at .../proxy. */
  path: string;
}

/** Recognises `namespaces/<ns>/(services|pods)/<id>/proxy[/...]` in the segments after /api/v1. */
export function proxyTarget(rest: string[], rawPath: string): ProxyTarget | undefined {
  if (rest.length < 5 || rest[0] !== "namespaces" || rest[4] !== "proxy") return undefined;
  const kind = rest[2];
  if (kind !== "services" && kind !== "pods") return undefined;
  const tail = rest.slice(5);
  let path = tail.length ? "/" + tail.join("/") : "";
  if (tail.length && rawPath.endsWith("/")) path += "/";
  else if (!tail.length && rawPath.endsWith("/proxy/")) path = "/";
  return { kind, ns: rest[1]!, id: rest[3]!, path };
}

/** upstream's utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port". */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(":");
  let scheme = "";
  let name: string;
  let port = "";
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (!name || !["", "http", "https"].includes(scheme)) return undefined;
  return { scheme, name, port };
}

const unavailable = (message: string) => new ApiError(503, "ServiceUnavailable", message);
const isNumber = (s: string) => /^[+-]?\d+$/.test(s);

/** Wait, unless the client goes away first (then there is no one to answer). */
function delay(res: ServerResponse, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed);
  return new Promise((resolve) => {
    const done = (alive: boolean) => {
      clearTimeout(t);
      res.off("close", gone);
      resolve(alive);
    };
    const gone = () => done(false);
    const t = setTimeout(() => done(true), ms);
    res.on("close", gone);
  });
}

/** The node the API server runs on (its traffic to pods crosses the simulated network from there). */
function apiServerNode(c: ClusterHandle): KObject | undefined {
  for (const e of c.store.sorted(NODE)) if ("node-role.kubernetes.io/control-plane" in (e.obj.metadata.labels ?? {})) return e.obj;
  return undefined;
}

let hops = 0;

/**
 * Round trip from the API server to a pod; null when the network drops it. Latency faults on the
 * pod add to it (netem delays all it sends); loss and partitions do not, since the runner spares
 * its way to the API server (lib/sandbox/faults).
 */
function hop(c: ClusterHandle, node: string | undefined, ip?: string): number | null {
  const api = apiServerNode(c);
  const extra = ip ? c.faults.path(undefined, [ip], ++hops, true).extraMs : 0;
  if (!api) return extra;
  const r = c.network.rtt(api, node ? c.store.get(NODE, "", node) : undefined, 0);
  return r === null ? null : r + extra;
}

/**
 * HTTP faults on the pod's port, as the runner's proxy applies them to the requests arriving
 * there: the affected share (error diffusion, so exactly that share) is delayed, and answered with
 * the fault's status and the runner's body when it has one.
 */
function withHttpFaults(c: ClusterHandle, ip: string, port: number | undefined, path: string, a: AppAnswer): AppAnswer {
  let out = a;
  const model = appModel(c);
  for (const f of c.faults.http(ip, port, path)) {
    if (!model.decideFailure(`fault/${ip}:${port}/${f.pathPrefix ?? ""}`, f.percent / 100)) continue;
    out = f.status !== undefined
      ? { status: f.status, contentType: "text/plain; charset=utf-8", body: `Error ${f.status} injected by a Pystol fault.\n`, latencyMs: f.delayMs }
      : { ...out, latencyMs: out.latencyMs + f.delayMs };
  }
  return out;
}

async function send(req: IncomingMessage, res: ServerResponse, a: AppAnswer, hopMs: number): Promise<void> {
  if (!(await delay(res, Math.min(MAX_DELAY_MS, Math.round(a.latencyMs + hopMs))))) return;
  const body = Buffer.from(a.body);
  res.writeHead(a.status, { "Content-Type": a.contentType, "Content-Length": body.length, "Cache-Control": "no-cache" });
  res.end(req.method === "HEAD" ? undefined : body);
}

async function unreachable(res: ServerResponse, ip: string, port: number | string, why: "timeout" | "refused"): Promise<never> {
  if (why === "timeout") await delay(res, MAX_DELAY_MS);
  throw unavailable(`error trying to reach service: dial tcp ${ip}:${port}: ${why === "timeout" ? "i/o timeout" : "connect: connection refused"}`);
}

/**
 * Serve a service or pod proxy request; `query` is passed on as the backend would see it.
 * A proxied request is an API request like any other: it is authenticated and counted by the
 * server's dispatch (server.ts) before it reaches here, so per-cluster request limits apply to it
 * there. It then holds its connection for the simulated latency (at most MAX_DELAY_MS).
 */
export async function serveProxy(c: ClusterHandle, req: IncomingMessage, res: ServerResponse, target: ProxyTarget, query: string): Promise<string> {
  const method = req.method ?? "GET";
  const t = target.kind === "services" ? SERVICE : POD;
  const parsed = splitSchemeNamePort(target.id);
  checkAccess(c, t, { method, ns: target.ns, name: parsed?.name ?? target.id, watch: false });
  if (!METHODS.has(method)) throw methodNotAllowed("the server does not allow this method on the requested resource");
  // The backend reads the body; the simulated one has no use for it.
  req.resume();
  if (target.path === "") {
    // Upstream redirects an empty path to the same URL with a slash (kubernetes issue 4958).
    const url = new URL(req.url ?? "/", "https://sandbox");
    res.writeHead(301, { Location: `${url.pathname}/${query ? "?" + query : ""}`, "Content-Length": 0 }).end();
    return "proxy";
  }
  if (target.kind === "services") await proxyService(c, req, res, target, parsed);
  else await proxyPod(c, req, res, target, parsed);
  return "proxy";
}

async function proxyService(c: ClusterHandle, req: IncomingMessage, res: ServerResponse, target: ProxyTarget, parsed: ReturnType<typeof splitSchemeNamePort>) {
  if (!parsed) throw badRequest(`invalid service request "${target.id}"`);
  const { name } = parsed;
  let portName = parsed.port;
  if (isNumber(portName)) {
    const svc = c.store.get(SERVICE, target.ns, name);
    if (!svc) throw notFound("services", "", name);
    const ports = ((svc.spec as { ports?: { name?: string; port: number }[] }).ports ?? []);
    const p = ports.find((x) => x.port === Number(portName));
    if (!p) throw unavailable(`no service port ${Number(portName)} found for service "${name}"`);
    portName = p.name ?? "";
  }
  const eps = c.store.get(ENDPOINTS, target.ns, name);
  if (!eps) throw notFound("endpoints", "", name);
  if (!((eps as { subsets?: unknown[] }).subsets ?? []).length) throw unavailable(`no endpoints available for service "${name}"`);
  const backends = readyBackends(c, target.ns, name).filter((b) => b.ports.has(portName));
  if (!backends.length) throw unavailable(`no endpoints available for service "${target.id}"`);
  const model = appModel(c);
  const b = model.pick(`${target.ns}/${name}`, backends);
  const rtt = hop(c, b.node, b.ip);
  if (rtt === null) return unreachable(res, b.ip, b.ports.get(portName)!, "timeout");
  const a = answer(model, { ns: target.ns, service: name, pod: b.pod, portName, path: target.path, accept: req.headers.accept ?? "" });
  await send(req, res, withHttpFaults(c, b.ip, b.ports.get(portName), target.path, a), rtt);
}

type PodSpec = { nodeName?: string; containers?: { ports?: { containerPort: number; name?: string }[] }[] };

async function proxyPod(c: ClusterHandle, req: IncomingMessage, res: ServerResponse, target: ProxyTarget, parsed: ReturnType<typeof splitSchemeNamePort>) {
  if (!parsed) throw badRequest(`invalid pod request "${target.id}"`);
  const pod = c.store.get(POD, target.ns, parsed.name);
  if (!pod) throw notFound("pods", "", parsed.name);
  const spec = pod.spec as PodSpec;
  const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
  if (!ip) throw badRequest("address not allowed");
  const declared = (spec.containers ?? []).flatMap((x) => x.ports ?? []);
  const port = parsed.port || String(declared[0]?.containerPort ?? 80);
  if (!isNumber(port)) throw unavailable(`error trying to reach service: dial tcp: lookup tcp/${port}: unknown port`);
  const p = declared.find((x) => x.containerPort === Number(port));
  if (!p || !podHealthy(pod)) return unreachable(res, ip, port, "refused");
  const rtt = hop(c, spec.nodeName, ip);
  if (rtt === null) return unreachable(res, ip, port, "timeout");
  const svc = [...c.store.each(SERVICE, target.ns)].find((s) => mapSelectorMatcher((s.spec as { selector?: unknown }).selector)(pod.metadata.labels));
  const model = appModel(c);
  const a = answer(model, { ns: target.ns, service: svc?.metadata.name, pod: parsed.name, portName: p.name ?? "", path: target.path, accept: req.headers.accept ?? "" });
  await send(req, res, withHttpFaults(c, ip, Number(port), target.path, a), rtt);
}
