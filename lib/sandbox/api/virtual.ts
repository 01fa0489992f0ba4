import type { IncomingMessage, ServerResponse } from "node:http";
import { methodNotAllowed, notFound } from "../errors";
import { nowIso } from "../names";
import { bytes, cpuMilli, fmtKi, fmtMilli } from "../quantity";
import { parseLabelSelector } from "../selectors";
import { NODE, POD, type ResourceType } from "../resources";
import type { KObject } from "../types";
import { nodeUsage, podUsage } from "../usage";
import { sendJson } from "./http";
import type { ClusterHandle } from "./cluster-handle";

const running = (p: KObject) => (p.status as { phase?: string } | undefined)?.phase === "Running";

/**
 * Each container's usage, and the stress a fault runner holds in its ephemeral container
 * (lib/sandbox/faults): CPU and memory of the pod's cgroup, so it is held to the pod's limits
 * when every container has one (ephemeral containers have none of their own).
 */
function containersUsage(c: ClusterHandle, p: KObject, now: number): { name: string; cpu: number; mem: number }[] {
  const own = podUsage(p, now);
  const stress = c.faults.stress(p.metadata.uid);
  if (!stress.length) return own;
  const cs = (p.spec as { containers?: { resources?: { limits?: Record<string, string> } }[] }).containers ?? [];
  const limit = (k: "cpu" | "memory", parse: (q: string) => number) => (cs.length && cs.every((x) => x.resources?.limits?.[k]) ? cs.reduce((sum, x) => sum + parse(x.resources!.limits![k]!), 0) : Infinity);
  let cpuRoom = limit("cpu", cpuMilli) - own.reduce((sum, u) => sum + u.cpu, 0);
  let memRoom = limit("memory", bytes) - own.reduce((sum, u) => sum + u.mem, 0);
  const extra = stress.map((s) => {
    const cpu = Math.max(0, Math.min(s.cpuMilli, cpuRoom));
    const mem = Math.max(0, Math.min(s.memBytes, memRoom));
    cpuRoom -= cpu;
    memRoom -= mem;
    return { name: s.name, cpu, mem };
  });
  return [...own, ...extra];
}

function nodeMetrics(c: ClusterHandle, n: KObject, now: number) {
  const pods = [...(c.store.podsByNode.get(n.metadata.name!) ?? [])].map((e) => e.obj);
  const u = nodeUsage(n, pods, now);
  for (const p of pods)
    if (running(p))
      for (const s of containersUsage(c, p, now).slice(podUsage(p, now).length)) {
        u.cpu += s.cpu;
        u.mem += s.mem;
      }
  return {
    metadata: { name: n.metadata.name, creationTimestamp: nowIso(), labels: n.metadata.labels },
    timestamp: nowIso(),
    window: "20s",
    usage: { cpu: fmtMilli(u.cpu), memory: fmtKi(u.mem) },
  };
}

function podMetrics(c: ClusterHandle, p: KObject, now: number) {
  return {
    metadata: { name: p.metadata.name, namespace: p.metadata.namespace, creationTimestamp: nowIso(), labels: p.metadata.labels },
    timestamp: nowIso(),
    window: "20s",
    containers: containersUsage(c, p, now).map((u) => ({ name: u.name, usage: { cpu: fmtMilli(u.cpu), memory: fmtKi(u.mem) } })),
  };
}

/** metrics.k8s.io: computed per request, never stored. */
export async function serveVirtual(
  c: ClusterHandle,
  req: IncomingMessage,
  res: ServerResponse,
  t: ResourceType,
  ns: string | undefined,
  name: string | undefined,
  q: URLSearchParams,
): Promise<string> {
  const method = req.method ?? "GET";
  if (method !== "GET") throw methodNotAllowed("the server does not allow this method on the requested resource");
  const now = Date.now();
  const label = parseLabelSelector(q.get("labelSelector"));
  if (t.kind === "NodeMetrics") {
    if (name) {
      const n = c.store.get(NODE, "", name);
      if (!n) throw notFound("nodes", "metrics.k8s.io", name);
      return (sendJson(res, 200, { kind: "NodeMetrics", apiVersion: "metrics.k8s.io/v1beta1", ...nodeMetrics(c, n, now) }), "get");
    }
    const items = [...c.store.each(NODE)].filter((n) => label(n.metadata.labels)).map((n) => nodeMetrics(c, n, now));
    sendJson(res, 200, { kind: "NodeMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items });
    return "list";
  }
  if (name) {
    const p = c.store.get(POD, ns ?? "", name);
    if (!p || !running(p)) throw notFound("pods", "metrics.k8s.io", name);
    return (sendJson(res, 200, { kind: "PodMetrics", apiVersion: "metrics.k8s.io/v1beta1", ...podMetrics(c, p, now) }), "get");
  }
  const items = [...c.store.each(POD, ns)].filter((p) => running(p) && label(p.metadata.labels)).map((p) => podMetrics(c, p, now));
  sendJson(res, 200, { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items });
  return "list";
}
