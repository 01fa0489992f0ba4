import type { IncomingMessage, ServerResponse } from "node:http";
import { checkAccess, servesGroup } from "./access";
import type { ClusterHandle } from "./cluster-handle";
import { ApiError, badRequest, methodNotAllowed, notFound, tooManyRequests } from "../errors";
import { createObject, deleteObject, patchObject, replaceObject, type DeleteOptions } from "../objects";
import { findResource, NAMESPACE, type ResourceType } from "../resources";
import { isObject } from "../types";
import { apiGroup, apiGroupList, apiVersions, resourceList, VERSION } from "./discovery";
import { OPENAPI_V2_PB, openapiGroupVersion, openapiRoot } from "./openapi";
import { boolParam, readJson, sendBuffer, sendJson, wantsTable } from "./http";
import { parseListQuery, serveList } from "./list";
import { proxyTarget, serveProxy } from "./proxy";
import { serveSubresource } from "./subresources";
import { toTable } from "./tables";
import { serveVirtual } from "./virtual";

export type { ClusterHandle };

/** How long a refused watch is asked to wait: long enough for a closing watch to be gone. */
const WATCH_RETRY_SECONDS = 5;

const NOT_FOUND = () => new ApiError(404, "NotFound", "the server could not find the requested resource");

interface Target {
  t: ResourceType;
  ns: string | undefined;
  name: string | undefined;
  sub: string | undefined;
}

function resolve(group: string, version: string, rest: string[]): Target {
  let ns: string | undefined;
  let parts = rest;
  if (parts[0] === "namespaces" && parts.length >= 3 && !(group === "" && ["status", "finalize"].includes(parts[2]!) && parts.length === 3)) {
    ns = parts[1];
    parts = parts.slice(2);
  }
  const [plural, name, sub, ...extra] = parts;
  if (!plural || extra.length) throw NOT_FOUND();
  const t = findResource(group, version, plural);
  if (!t) throw NOT_FOUND();
  if (!t.namespaced && ns !== undefined) throw NOT_FOUND();
  if (sub !== undefined && !t.subresources.some((s) => s.name === sub)) throw NOT_FOUND();
  if (name !== undefined && t.namespaced && ns === undefined) throw NOT_FOUND();
  return { t, ns, name, sub };
}

function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const o: DeleteOptions = {};
  if (isObject(body)) {
    if (typeof body.gracePeriodSeconds === "number") o.gracePeriodSeconds = body.gracePeriodSeconds;
    if (typeof body.propagationPolicy === "string") o.propagationPolicy = body.propagationPolicy;
    if (isObject(body.preconditions)) o.preconditions = body.preconditions as DeleteOptions["preconditions"];
    if (Array.isArray(body.dryRun) && body.dryRun.length) o.dryRun = true;
  }
  const g = q.get("gracePeriodSeconds");
  if (g !== null && g !== "") o.gracePeriodSeconds = Number(g);
  const p = q.get("propagationPolicy");
  if (p) o.propagationPolicy = p;
  if (q.get("dryRun")) o.dryRun = true;
  return o;
}

async function optionalBody(req: IncomingMessage, maxDepth: number): Promise<unknown> {
  if (Number(req.headers["content-length"] ?? 0) === 0 && !req.headers["transfer-encoding"]) return undefined;
  try {
    return await readJson(req, { maxDepth, kind: "DeleteOptions" });
  } catch (e) {
    if (e instanceof ApiError && e.message.includes("empty")) return undefined;
    throw e;
  }
}

/** Handle one request of the Kubernetes API of a virtual cluster; `path` is below the cluster prefix. */
export async function handleApi(c: ClusterHandle, req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams): Promise<string> {
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? "GET";
  if (seg.length === 0) {
    sendJson(res, 200, { paths: ["/api", "/api/v1", "/apis", "/healthz", "/version"] });
    return "discovery";
  }
  if (seg.length === 1 && ["healthz", "livez", "readyz"].includes(seg[0]!)) {
    res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    return "health";
  }
  if ((seg[0] === "openapi" && seg[1] === "v2" && seg.length === 2) || (seg[0] === "swagger-2.0.0.pb-v1" && seg.length === 1)) {
    sendBuffer(res, 200, OPENAPI_V2_PB, "application/octet-stream");
    return "discovery";
  }
  if (seg[0] === "openapi" && seg[1] === "v3") {
    if (seg.length === 2) return (sendJson(res, 200, openapiRoot(`/c/${c.id}`)), "discovery");
    return (sendJson(res, 200, openapiGroupVersion(seg.slice(2).join("/"))), "discovery");
  }
  if (seg[0] === "version" && seg.length === 1) {
    sendJson(res, 200, VERSION);
    return "discovery";
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === "api") {
    if (seg.length === 1) return (sendJson(res, 200, apiVersions()), "discovery");
    if (seg[1] !== "v1") throw NOT_FOUND();
    group = "";
    version = "v1";
    rest = seg.slice(2);
  } else if (seg[0] === "apis") {
    if (seg.length === 1) return (sendJson(res, 200, apiGroupList((g) => servesGroup(c, g))), "discovery");
    if (seg.length === 2) {
      const g = servesGroup(c, seg[1]!) ? apiGroup(seg[1]!) : undefined;
      if (!g) throw NOT_FOUND();
      return (sendJson(res, 200, g), "discovery");
    }
    group = seg[1]!;
    version = seg[2]!;
    rest = seg.slice(3);
    if (!servesGroup(c, group)) throw NOT_FOUND();
  } else throw NOT_FOUND();
  // services/<id>/proxy/... and pods/<id>/proxy/... carry a path of their own (api/proxy.ts).
  const proxied = group === "" ? proxyTarget(rest, path) : undefined;
  if (proxied) return serveProxy(c, req, res, proxied, q.toString());
  if (rest.length === 0) {
    const rl = resourceList(group, version);
    if (!rl) throw NOT_FOUND();
    sendJson(res, 200, rl);
    return "discovery";
  }
  const { t, ns, name, sub } = resolve(group, version, rest);
  checkAccess(c, t, { method, ns, name, watch: boolParam(q, "watch") });
  const dryRun = q.get("dryRun") === "All";

  if (t.virtual) return serveVirtual(c, req, res, t, ns, name, q);
  if (sub && sub !== "status") return serveSubresource(c, req, res, t, ns!, name!, sub, q);

  switch (method) {
    case "GET": {
      if (name !== undefined) {
        const o = c.store.get(t, ns ?? "", name);
        if (!o) throw notFound(t.plural, t.group, name);
        if (wantsTable(req) && !sub) sendJson(res, 200, toTable(t, [o], o.metadata.resourceVersion ?? "", q.get("includeObject")));
        else sendJson(res, 200, o);
        return "get";
      }
      if (boolParam(q, "watch")) {
        // A watch holds a socket, a timer and a share of every change's fan-out for up to 30 min.
        if (c.watches.size >= c.opts.maxWatches)
          throw tooManyRequests("watches", `This cluster may keep ${c.opts.maxWatches} watches open at once; close one or try again later.`, WATCH_RETRY_SECONDS);
        c.watches.serve(req, res, t, ns, q);
        return "watch";
      }
      await serveList(req, res, c.store, t, ns, q);
      return "list";
    }
    case "POST": {
      if (name !== undefined) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: t.kind });
      const created = createObject(c, t, ns ?? "", body, dryRun);
      sendJson(res, 201, created);
      return "create";
    }
    case "PUT": {
      if (name === undefined) throw methodNotAllowed("the server does not allow this method on the requested resource");
      const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: t.kind });
      sendJson(res, 200, replaceObject(c, t, ns ?? "", name, body, sub, dryRun));
      return "update";
    }
    case "PATCH": {
      if (name === undefined) throw methodNotAllowed("the server does not allow this method on the requested resource");
      const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: "patch" });
      sendJson(res, 200, patchObject(c, t, ns ?? "", name, req.headers["content-type"] ?? "", body, sub, dryRun));
      return "patch";
    }
    case "DELETE": {
      const opts = deleteOptions(q, await optionalBody(req, c.opts.maxJsonDepth));
      if (name !== undefined) {
        if (sub) throw methodNotAllowed("the server does not allow this method on the requested resource");
        sendJson(res, 200, deleteObject(c, t, ns ?? "", name, opts));
        return "delete";
      }
      if (t === NAMESPACE) throw methodNotAllowed("the server does not allow this method on the requested resource");
      const lq = parseListQuery(q);
      const victims = c.store
        .sorted(t, ns)
        .map((e) => e.obj)
        .filter((o) => lq.label(o.metadata.labels) && lq.field(o));
      const items = victims.map((o) => deleteObject(c, t, o.metadata.namespace ?? "", o.metadata.name!, opts));
      sendJson(res, 200, { kind: `${t.kind}List`, apiVersion: t.group ? `${t.group}/${t.version}` : t.version, metadata: { resourceVersion: String(c.store.rv) }, items });
      return "deletecollection";
    }
    default:
      throw badRequest(`unsupported method ${method}`);
  }
}
