import type { IncomingMessage, ServerResponse } from "node:http";
import { ADMIN_USER, impersonate, requestAttributes } from "../authn";
import { authorize, checkEscalation, forbiddenFor, RBAC_GROUP, type UserInfo } from "../rbac";
import { checkAccess, servesGroup } from "./access";
import { serveHpaV1 } from "./autoscaling-v1";
import { serveReview, serveTokenRequest } from "./reviews";
import type { ClusterHandle } from "./cluster-handle";
import { ApiError, badRequest, deletedStatus, invalid, methodNotAllowed, notFound, tooManyRequests } from "../errors";
import { applyConfig, checkManager, managerOf, recordUpdate, type Writer } from "../managed";
import { createObject, deleteObject, patchObject, replaceObject, returnsDeletedObject, type DeleteOptions, type OnWrite } from "../objects";
import { dropUnknownFields } from "../validate";
import { checkEphemeralUpdate, EPHEMERAL_SUBRESOURCE } from "../ephemeral";
import { apiVersionOf, findResource, NAMESPACE, type ResourceType } from "../resources";
import { isObject, type KObject } from "../types";
import { apiGroup, apiGroupList, apiVersions, resourceList, VERSION } from "./discovery";
import { OPENAPI_V2_PB, openapiGroupVersion, openapiRoot } from "./openapi";
import { boolParam, negotiate, readJson, sendBuffer, sendJson, sendYaml } from "./http";
import { parseListQuery, serveList } from "./list";
import { proxyTarget, serveProxy } from "./proxy";
import { serveSubresource } from "./subresources";
import { toTable } from "./tables";
import { serveVirtual } from "./virtual";

export type { ClusterHandle };

/** How long a refused watch is asked to wait: long enough for a closing watch to be gone. */
const WATCH_RETRY_SECONDS = 5;

const NOT_FOUND = () => new ApiError(404, "NotFound", "the server could not find the requested resource", {});

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

/** DeleteOptions: from the body when there is one (its query parameters are then ignored, as upstream does). */
function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const o: DeleteOptions = {};
  if (isObject(body)) {
    if (typeof body.gracePeriodSeconds === "number") o.gracePeriodSeconds = body.gracePeriodSeconds;
    if (typeof body.propagationPolicy === "string") o.propagationPolicy = body.propagationPolicy;
    else if (typeof body.orphanDependents === "boolean") o.propagationPolicy = body.orphanDependents ? "Orphan" : "Background";
    if (isObject(body.preconditions)) o.preconditions = body.preconditions as DeleteOptions["preconditions"];
    if (Array.isArray(body.dryRun) && body.dryRun.length) o.dryRun = dryRunOf(body.dryRun.map(String), "DELETE");
    return o;
  }
  const g = q.get("gracePeriodSeconds");
  if (g !== null && g !== "") o.gracePeriodSeconds = Number(g);
  const p = q.get("propagationPolicy");
  if (p) o.propagationPolicy = p;
  o.dryRun = dryRunOf(q.getAll("dryRun"), "DELETE");
  return o;
}

const OPTIONS_KIND: Record<string, string> = { POST: "CreateOptions", PUT: "UpdateOptions", PATCH: "PatchOptions", DELETE: "DeleteOptions" };

/** `dryRun` must be `All` (the only value upstream knows); anything else is refused, not ignored. */
function dryRunOf(values: string[], method: string): boolean {
  const given = values.filter((v) => v !== "");
  if (given.length === 0) return false;
  if (given.every((v) => v === "All")) return true;
  throw invalid(OPTIONS_KIND[method] ?? "CreateOptions", "meta.k8s.io", "", [
    { field: "dryRun", message: `Unsupported value: []string{${given.map((v) => JSON.stringify(v)).join(", ")}}: supported values: "All"`, reason: "FieldValueNotSupported" },
  ]);
}

/** Unknown fields in a body: dropped with a `Warning: 299` (the default), refused with fieldValidation=Strict. */
function checkFields(t: ResourceType, body: unknown, q: URLSearchParams, res: ServerResponse) {
  const unknown = dropUnknownFields(t, body);
  if (!unknown.length) return;
  const mode = q.get("fieldValidation") ?? "Warn";
  if (mode === "Strict")
    throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`);
  if (mode !== "Ignore") res.setHeader("Warning", unknown.map((f) => `299 - "unknown field \\"${f}\\""`));
}

/** A non-API path (or an API group the cluster does not serve): the mux's plain-text 404. */
function pageNotFound(res: ServerResponse): string {
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" }).end("404 page not found\n");
  return "unknown";
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

/** The field manager of a write, and the apiVersion and subresource it writes through. */
function writer(t: ResourceType, req: IncomingMessage, q: URLSearchParams, sub: string | undefined, optionsKind: string): Writer {
  const manager = managerOf(q, req.headers["user-agent"]);
  checkManager(manager, optionsKind);
  return { manager, apiVersion: apiVersionOf(t), ...(sub ? { subresource: sub } : {}) };
}

const updateBy =
  (t: ResourceType, w: Writer, guard?: OnWrite): OnWrite =>
  (before, next) => {
    guard?.(before, next);
    recordUpdate(t, before, next, w);
  };

const patchOptionsInvalid = (field: string, message: string, reason: string) => invalid("PatchOptions", "meta.k8s.io", "", [{ field, message, reason }]);

/** PATCH application/apply-patch+yaml: create or merge, owning the configuration's fields (lib/sandbox/managed.ts). */
function serverSideApply(c: ClusterHandle, res: ServerResponse, t: ResourceType, ns: string, name: string, sub: string | undefined, body: unknown, w: Writer, force: boolean, dryRun: boolean, guard?: OnWrite): string {
  if (!isObject(body)) throw badRequest("the body of an apply patch must be an object");
  // Apply builds a typed object from the configuration, which fails on any field the kind does
  // not have, whatever fieldValidation says.
  const unknown = dropUnknownFields(t, structuredClone(body)).map((f) => `.${f}: field not declared in schema`);
  if (unknown.length)
    throw badRequest(`failed to create typed patch object (${t.group}/${t.version}, Kind=${t.kind}): ${unknown.length === 1 ? unknown[0] : `errors:\n  ${unknown.join("\n  ")}`}`);
  const config = body as KObject;
  if (!isObject(config.metadata)) config.metadata = {};
  if (config.metadata.name !== undefined && config.metadata.name !== name)
    throw badRequest(`the name of the object (${String(config.metadata.name)}) does not match the name on the URL (${name})`);
  config.metadata.name = name;
  const live = c.store.get(t, ns, name);
  if (!live) {
    if (sub) throw notFound(t.plural, t.group, name);
    sendJson(res, 201, createObject(c, t, ns, applyConfig(t, undefined, config, w, force), dryRun, guard));
    return "create";
  }
  const next = applyConfig(t, live, config, w, force);
  const managed = next.metadata.managedFields;
  const keep: OnWrite = (before, n) => {
    guard?.(before, n);
    if (managed) n.metadata.managedFields = managed;
    else delete n.metadata.managedFields;
  };
  sendJson(res, 200, replaceObject(c, t, ns, name, next, sub, dryRun, keep));
  return "patch";
}

/**
 * Handle one request of the Kubernetes API of a virtual cluster; `path` is below the cluster
 * prefix. `authenticated` is who the credentials are (lib/sandbox/authn.ts): the cluster's own
 * token skips RBAC (its `access.deny` applies below), anyone else is authorised first, as
 * kube-apiserver's filters do before any handler runs (so an unknown path is 403, not 404).
 */
export async function handleApi(c: ClusterHandle, req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams, authenticated: UserInfo = ADMIN_USER): Promise<string> {
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? "GET";
  const user = impersonate(c.store, authenticated, req, path);
  if (!user.admin) {
    const a = requestAttributes(user, method, path, q);
    if (!authorize(c.store, a).allowed) throw forbiddenFor(a);
  }
  if (seg.length === 0) {
    sendJson(res, 200, { paths: ["/api", "/api/v1", "/apis", "/healthz", "/version"] });
    return "discovery";
  }
  if (seg.length === 1 && ["healthz", "livez", "readyz"].includes(seg[0]!)) {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" }).end("ok");
    return "health";
  }
  if ((seg[0] === "openapi" && seg[1] === "v2" && seg.length === 2) || (seg[0] === "swagger-2.0.0.pb-v1" && seg.length === 1)) {
    sendBuffer(res, 200, OPENAPI_V2_PB, "application/octet-stream");
    return "discovery";
  }
  if (seg[0] === "openapi" && seg[1] === "v3") {
    // Upstream serves the root of OpenAPI v3 as text/plain.
    if (seg.length === 2) return (sendBuffer(res, 200, Buffer.from(JSON.stringify(openapiRoot(`/c/${c.id}`))), "text/plain; charset=utf-8"), "discovery");
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
    const g = servesGroup(c, seg[1]!) ? apiGroup(seg[1]!) : undefined;
    if (!g) return pageNotFound(res);
    if (seg.length === 2) return (sendJson(res, 200, g), "discovery");
    group = seg[1]!;
    version = seg[2]!;
    rest = seg.slice(3);
  } else return pageNotFound(res);
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
  if (user.admin) checkAccess(c, t, { method, ns, name, watch: boolParam(q, "watch") });
  const dryRun = method === "GET" ? false : dryRunOf(q.getAll("dryRun"), method);
  // Roles and bindings may not give more than their author holds (RBAC's escalation check).
  const guard: OnWrite | undefined =
    !user.admin && t.group === RBAC_GROUP
      ? (_, next) => checkEscalation(c.store, user, t, next)
      : sub === EPHEMERAL_SUBRESOURCE
        ? (before, next) => before && checkEphemeralUpdate(c.store, before, next)
        : undefined;

  if (t.virtual === "review") return serveReview(c, req, res, t, name, q, user);
  if (t.virtual === "view") return serveHpaV1(c, req, res, ns, name, sub, q, writer(t, req, q, sub, "CreateOptions"), dryRun);
  if (t.virtual) return serveVirtual(c, req, res, t, ns, name, q);
  if (sub === "token") return serveTokenRequest(c, req, res, t, ns!, name!, q);
  // status and ephemeralcontainers are the object itself, written through the verbs below.
  if (sub && sub !== "status" && sub !== EPHEMERAL_SUBRESOURCE) return serveSubresource(c, req, res, t, ns!, name!, sub, q);

  switch (method) {
    case "GET": {
      const rep = negotiate(req, name === undefined);
      if (name !== undefined) {
        const o = c.store.get(t, ns ?? "", name);
        if (!o) throw notFound(t.plural, t.group, name);
        if (rep.as === "Table" && !sub) sendJson(res, 200, toTable(t, [o], o.metadata.resourceVersion ?? "", q.get("includeObject")));
        else if (rep.as === "PartialObjectMetadata") sendJson(res, 200, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata });
        else if (rep.yaml) sendYaml(res, 200, o);
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
      checkFields(t, body, q, res);
      const created = createObject(c, t, ns ?? "", body, dryRun, updateBy(t, writer(t, req, q, sub, "CreateOptions"), guard));
      sendJson(res, 201, created);
      return "create";
    }
    case "PUT": {
      if (name === undefined) throw methodNotAllowed("the server does not allow this method on the requested resource");
      const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: t.kind });
      checkFields(t, body, q, res);
      sendJson(res, 200, replaceObject(c, t, ns ?? "", name, body, sub, dryRun, updateBy(t, writer(t, req, q, sub, "UpdateOptions"), guard)));
      return "update";
    }
    case "PATCH": {
      if (name === undefined) throw methodNotAllowed("the server does not allow this method on the requested resource");
      const ctype = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
      const w = writer(t, req, q, sub, "PatchOptions");
      if (ctype === "application/apply-patch+yaml") {
        if (!q.get("fieldManager")) throw patchOptionsInvalid("fieldManager", "Required value: is required for apply patch", "FieldValueRequired");
        const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: "patch" });
        return serverSideApply(c, res, t, ns ?? "", name, sub, body, w, boolParam(q, "force"), dryRun, guard);
      }
      if (q.has("force")) throw patchOptionsInvalid("force", "Forbidden: may not be specified for non-apply patch", "FieldValueForbidden");
      const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: "patch" });
      if (!ctype.startsWith("application/json-patch")) checkFields(t, body, q, res);
      sendJson(res, 200, patchObject(c, t, ns ?? "", name, ctype, body, sub, dryRun, updateBy(t, w, guard)));
      return "patch";
    }
    case "DELETE": {
      const opts = deleteOptions(q, await optionalBody(req, c.opts.maxJsonDepth));
      if (name !== undefined) {
        if (sub) throw methodNotAllowed("the server does not allow this method on the requested resource");
        const out = deleteObject(c, t, ns ?? "", name, opts);
        // Gone at once: most kinds answer a Status; kept (finalizers, grace) or pods and the like: the object.
        const kept = opts.dryRun ? (out.metadata.finalizers ?? []).length > 0 || opts.propagationPolicy === "Foreground" || opts.propagationPolicy === "Orphan" : c.store.get(t, ns ?? "", name)?.metadata.uid === out.metadata.uid;
        sendJson(res, 200, kept || returnsDeletedObject(t) ? out : deletedStatus(t.plural, t.group, name, out.metadata.uid));
        return "delete";
      }
      if (t === NAMESPACE) throw methodNotAllowed("the server does not allow this method on the requested resource");
      const lq = parseListQuery(q);
      const victims = c.store
        .sorted(t, ns)
        .map((e) => e.obj)
        .filter((o) => lq.label(o.metadata.labels) && lq.field(o));
      const items = victims.map((o) => deleteObject(c, t, o.metadata.namespace ?? "", o.metadata.name!, opts));
      // Items of a list name no kind or apiVersion (the list does).
      const bare = items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest);
      sendJson(res, 200, { kind: `${t.kind}List`, apiVersion: t.group ? `${t.group}/${t.version}` : t.version, metadata: { resourceVersion: String(c.store.rv) }, items: bare });
      return "deletecollection";
    }
    default:
      throw badRequest(`unsupported method ${method}`);
  }
}
