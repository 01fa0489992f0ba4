import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readJson } from "./api/http";
import { ApiError } from "./errors";
import { buildKubeconfig } from "./kubeconfig";
import type { ClusterManager } from "./manager";
import type { SandboxMetrics } from "./metrics";

export const createClusterSchema = z.object({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/).optional(),
  seed: z
    .union([
      z.literal("demo"),
      z.literal("empty"),
      z.object({ nodes: z.number().int().min(1).max(10_000), pods: z.number().int().min(0).max(200_000) }),
    ])
    .optional(),
  limits: z
    .object({
      maxObjects: z.number().int().min(10).max(1_000_000).optional(),
      maxBytes: z.number().int().min(1024 * 1024).max(16 * 1024 ** 3).optional(),
      maxWatches: z.number().int().min(1).max(100_000).optional(),
      requestsPerSecond: z.number().min(1).max(1_000_000).optional(),
      requestBurst: z.number().int().min(1).max(1_000_000).optional(),
    })
    .optional(),
  access: z
    .object({
      deny: z.array(z.string().regex(/^[a-z0-9]+(\.[a-z0-9.-]+)?$/).max(253)).max(100).optional(),
      metricsServer: z.boolean().optional(),
    })
    .optional(),
});

export const networkSchema = z.object({
  replace: z.boolean().optional(),
  rules: z
    .array(
      z.object({
        from: z.string().min(1).max(253),
        to: z.string().min(1).max(253),
        latencyMs: z.number().min(0).max(60_000).optional(),
        partition: z.boolean().optional(),
      }),
    )
    .max(1000),
});

export interface AdminDeps {
  manager: ClusterManager;
  metrics: SandboxMetrics;
  adminToken: string;
  caPem: string;
  /** Base URL of the cluster API as clients reach it. */
  apiBase: () => string;
}

function send(res: ServerResponse, code: number, body: unknown) {
  const b = Buffer.from(JSON.stringify(body));
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": b.length }).end(b);
}

const err = (res: ServerResponse, code: number, message: string) => send(res, code, { error: message });

function authorized(req: IncomingMessage, token: string): boolean {
  const h = req.headers.authorization ?? "";
  const got = Buffer.from(h.startsWith("Bearer ") ? h.slice(7) : "");
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The internal admin interface: create, list and delete virtual clusters, hand out kubeconfigs. */
export async function handleAdmin(d: AdminDeps, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://admin");
  const p = url.pathname.replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";
  if (p === "/healthz" && method === "GET") return send(res, 200, { ok: true, clusters: d.manager.list().length });
  if (!authorized(req, d.adminToken)) return err(res, 401, "unauthorized");
  if (p === "/metrics" && method === "GET") {
    d.metrics.clusters.set(d.manager.list().length);
    d.metrics.objects.set(d.manager.list().reduce((a, c) => a + c.store.total(), 0));
    d.metrics.watches.set(d.manager.list().reduce((a, c) => a + c.watches.size, 0));
    d.metrics.storedBytes.set(d.manager.list().reduce((a, c) => a + c.store.bytes, 0));
    const text = await d.metrics.registry.metrics();
    res.writeHead(200, { "Content-Type": d.metrics.registry.contentType }).end(text);
    return;
  }
  // GET /load — how much this process holds, for placing new clusters on the least loaded shard.
  if (p === "/load" && method === "GET") {
    const clusters = d.manager.list();
    return send(res, 200, { clusters: clusters.length, objects: clusters.reduce((a, c) => a + c.store.total(), 0) });
  }
  const server = (id: string) => `${d.apiBase()}/c/${id}`;
  // POST /clusters — create a virtual cluster
  if (p === "/clusters" && method === "POST") {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (e) {
      return err(res, e instanceof ApiError ? e.code : 400, e instanceof Error ? e.message : "bad request");
    }
    const parsed = createClusterSchema.safeParse(body);
    if (!parsed.success) return err(res, 400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const c = d.manager.create(parsed.data);
    return send(res, 201, { id: c.id, name: c.name, token: c.token, server: server(c.id), kubeconfig: buildKubeconfig(c.name, server(c.id), d.caPem, c.token) });
  }
  // GET /clusters — list
  if (p === "/clusters" && method === "GET") return send(res, 200, { items: d.manager.list().map((c) => ({ ...d.manager.summary(c), server: server(c.id) })) });
  const m = /^\/clusters\/([a-z0-9]+)(?:\/(kubeconfig|credentials|network|faults))?$/.exec(p);
  if (!m) return err(res, 404, "not found");
  const c = d.manager.get(m[1]!);
  if (!c) return err(res, 404, "cluster not found");
  if (!m[2] && method === "GET") return send(res, 200, { ...d.manager.summary(c), server: server(c.id) });
  if (!m[2] && method === "DELETE") {
    d.manager.delete(c.id);
    return send(res, 200, { id: c.id, deleted: true });
  }
  // GET /clusters/:id/credentials — what a kubeconfig says, as JSON, for Pystol's own clients
  // (no YAML to write here and to parse there on every new client).
  if (m[2] === "credentials" && method === "GET") return send(res, 200, { server: server(c.id), caPem: d.caPem, token: c.token });
  if (m[2] === "kubeconfig" && method === "GET") {
    res.writeHead(200, { "Content-Type": "application/yaml" }).end(buildKubeconfig(c.name, server(c.id), d.caPem, c.token));
    return;
  }
  // POST /clusters/:id/network — inject latency or partitions between nodes
  if (m[2] === "network" && method === "POST") {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (e) {
      return err(res, 400, e instanceof Error ? e.message : "bad request");
    }
    const parsed = networkSchema.safeParse(body);
    if (!parsed.success) return err(res, 400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    c.network.set(parsed.data.rules, parsed.data.replace ?? false);
    return send(res, 200, { rules: c.network.rules });
  }
  if (m[2] === "network" && method === "GET") return send(res, 200, { rules: c.network.rules });
  // GET /clusters/:id/faults — the faults simulated runners hold now (lib/sandbox/faults)
  if (m[2] === "faults" && method === "GET") return send(res, 200, { faults: c.simulator.summaries() });
  return err(res, 405, "method not allowed");
}
