import type { IncomingMessage, ServerResponse } from "node:http";
import { ADMIN_USER, API_AUDIENCE, expiryOf, issueToken, newClaims, verifyToken } from "../authn";
import { ApiError, badRequest, invalid, methodNotAllowed, notFound } from "../errors";
import { managerOf, recordUpdate } from "../managed";
import { nowIso } from "../names";
import { authorize, rulesFor, type Attributes, type UserInfo } from "../rbac";
import { POD, RESOURCES, type ResourceType } from "../resources";
import { isObject, type KObject } from "../types";
import { allowed } from "./access";
import type { ClusterHandle } from "./cluster-handle";
import { readJson, sendJson } from "./http";

// The review APIs, computed per request and never stored: SelfSubjectAccessReview and
// SelfSubjectRulesReview from the caller's RBAC bindings, TokenReview of the cluster's tokens,
// and the TokenRequest subresource of service accounts that issues them.

type Obj = Record<string, unknown>;

/** The managedFields a create records on what the client sent (upstream runs the field manager on every create). */
function createdFields(t: ResourceType, req: IncomingMessage, q: URLSearchParams, body: Obj, subresource?: string): unknown {
  const shell: KObject = { metadata: {}, ...(isObject(body.spec) ? { spec: body.spec } : {}) };
  recordUpdate(t, undefined, shell, { manager: managerOf(q, req.headers["user-agent"]), apiVersion: `${t.group}/${t.version}`, ...(subresource ? { subresource } : {}) });
  return shell.metadata.managedFields;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

function accessAttributes(user: UserInfo, spec: Obj): Attributes {
  const base = { user, path: "", apiGroup: "", apiVersion: "", resource: "", subresource: "", namespace: "", name: "" };
  if (isObject(spec.nonResourceAttributes)) {
    const n = spec.nonResourceAttributes;
    return { ...base, verb: str(n.verb), resourceRequest: false, path: str(n.path) };
  }
  const r = spec.resourceAttributes as Obj;
  return { ...base, verb: str(r.verb), resourceRequest: true, apiGroup: str(r.group), apiVersion: str(r.version), resource: str(r.resource), subresource: str(r.subresource), namespace: str(r.namespace), name: str(r.name) };
}

/** The cluster token's answer: everything (as for system:masters, with no reason), except what the cluster's `access.deny` withholds. */
function adminAccess(c: ClusterHandle, a: Attributes): { allowed: boolean; reason?: string } {
  const resource = a.resource + (a.subresource ? `/${a.subresource}` : "");
  if (a.resourceRequest && resource && !allowed(c, resource, a.apiGroup)) return { allowed: false, reason: `the sandbox token of this cluster may not use ${resource}` };
  return { allowed: true };
}

const WILDCARD = { verbs: ["*"], apiGroups: ["*"], resources: ["*"] };

/** The cluster token's rules: its bindings' (cluster-admin through system:masters), or the allowed resources when `access.deny` narrows it. */
function adminRules(c: ClusterHandle, ns: string) {
  if (c.opts.deniedResources.length > 0) {
    const resources = RESOURCES.filter((r) => allowed(c, r.plural, r.group)).map((r) => r.plural);
    return { resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources }], nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }], incomplete: false };
  }
  const rules = rulesFor(c.store, ADMIN_USER, ns);
  // A cluster restored from an old snapshot may lack the bootstrap bindings; the token is still everything.
  if (!rules.resourceRules.some((r) => r.verbs.includes("*") && r.apiGroups?.includes("*") && r.resources?.includes("*"))) rules.resourceRules.unshift(WILDCARD);
  if (!rules.nonResourceRules.some((r) => r.nonResourceURLs?.includes("*"))) rules.nonResourceRules.push({ verbs: ["*"], nonResourceURLs: ["*"] });
  return { ...rules, incomplete: false };
}

function selfSubjectAccessReview(c: ClusterHandle, user: UserInfo, t: ResourceType, req: IncomingMessage, q: URLSearchParams, body: Obj) {
  const spec = isObject(body.spec) ? body.spec : {};
  const hasR = isObject(spec.resourceAttributes);
  const hasN = isObject(spec.nonResourceAttributes);
  if (hasR === hasN)
    throw invalid("", "authorization.k8s.io", "", [
      hasR
        ? { field: "spec.nonResourceAttributes", message: `Invalid value: "${JSON.stringify(spec.nonResourceAttributes).replace(/"/g, "\\\"")}": cannot be specified in combination with resourceAttributes` }
        : { field: "spec.resourceAttributes", message: `Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified` },
    ]);
  const a = accessAttributes(user, spec);
  const d = user.admin ? adminAccess(c, a) : authorize(c.store, a);
  const status = { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
  const managedFields = createdFields(t, req, q, body);
  return { kind: t.kind, apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null, ...(managedFields ? { managedFields } : {}) }, spec, status };
}

function selfSubjectRulesReview(c: ClusterHandle, user: UserInfo, t: ResourceType, body: Obj) {
  const spec = isObject(body.spec) ? body.spec : {};
  const ns = str(spec.namespace);
  if (!ns) throw badRequest("no namespace on request");
  const status = user.admin ? adminRules(c, ns) : { ...rulesFor(c.store, user, ns), incomplete: false };
  return { kind: t.kind, apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null }, spec: {}, status };
}

function tokenReview(c: ClusterHandle, t: ResourceType, req: IncomingMessage, q: URLSearchParams, body: Obj) {
  const spec = isObject(body.spec) ? body.spec : {};
  const token = str(spec.token);
  if (!token) throw badRequest("token is required for TokenReview in authentication.k8s.io");
  const wanted = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : [API_AUDIENCE];
  let status: Obj;
  if (token === c.token) {
    status = { authenticated: true, user: { username: ADMIN_USER.name, groups: ADMIN_USER.groups }, audiences: wanted };
  } else {
    const audience = wanted.find((a) => verifyToken(c.store, c.token, token, a));
    const v = audience ? verifyToken(c.store, c.token, token, audience) : undefined;
    status = v
      ? { authenticated: true, user: { username: v.user.name, uid: v.user.uid, groups: v.user.groups }, audiences: wanted.filter((a) => v.claims.aud.includes(a)) }
      : { user: {}, error: "[invalid bearer token, token lookup failed]" };
  }
  const managedFields = createdFields(t, req, q, body);
  return { kind: "TokenReview", apiVersion: "authentication.k8s.io/v1", metadata: { creationTimestamp: null, ...(managedFields ? { managedFields } : {}) }, spec, status };
}

/** POST of a review: the answer is computed for the request's user (after impersonation). */
export async function serveReview(c: ClusterHandle, req: IncomingMessage, res: ServerResponse, t: ResourceType, name: string | undefined, q: URLSearchParams, user: UserInfo): Promise<string> {
  if ((req.method ?? "GET") !== "POST" || name) throw methodNotAllowed("the server does not allow this method on the requested resource");
  const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: t.kind });
  if (!isObject(body)) throw new ApiError(400, "BadRequest", "the body of the request must be a JSON object");
  const out =
    t.kind === "SelfSubjectAccessReview" ? selfSubjectAccessReview(c, user, t, req, q, body)
    : t.kind === "SelfSubjectRulesReview" ? selfSubjectRulesReview(c, user, t, body)
    : tokenReview(c, t, req, q, body);
  sendJson(res, 201, out);
  return "create";
}

const MIN_EXPIRATION = 600;
const MAX_EXPIRATION = 2 ** 32;

/** POST serviceaccounts/<name>/token: a token for the account (TokenRequest), valid for `expirationSeconds`. */
export async function serveTokenRequest(c: ClusterHandle, req: IncomingMessage, res: ServerResponse, t: ResourceType, ns: string, name: string, q: URLSearchParams): Promise<string> {
  if ((req.method ?? "GET") !== "POST") throw methodNotAllowed("the server does not allow this method on the requested resource");
  const body = await readJson(req, { maxDepth: c.opts.maxJsonDepth, kind: "TokenRequest" });
  if (!isObject(body)) throw badRequest("the body of the request must be a JSON object");
  const sa = c.store.get(t, ns, name);
  if (!sa) throw notFound(t.plural, t.group, name);
  const spec = isObject(body.spec) ? body.spec : {};
  const seconds = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? 3600 : Number(spec.expirationSeconds);
  const tooShort = seconds < MIN_EXPIRATION;
  if (!Number.isInteger(seconds) || tooShort || seconds > MAX_EXPIRATION)
    throw invalid("TokenRequest", "authentication.k8s.io", name, [
      { field: "spec.expirationSeconds", message: `Invalid value: ${String(spec.expirationSeconds)}: ${tooShort ? "may not specify a duration less than 10 minutes" : "may not specify a duration larger than 2^32 seconds"}` },
    ]);
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : [API_AUDIENCE];
  let bound: { kind: string; name: string; uid: string } | undefined;
  if (isObject(spec.boundObjectRef)) {
    const ref = spec.boundObjectRef;
    if (ref.kind !== "Pod") throw badRequest(`cannot bind token to object of type ${str(ref.kind)}`);
    const pod = c.store.get(POD, ns, str(ref.name));
    if (!pod) throw notFound("pods", "", str(ref.name));
    if (ref.uid && ref.uid !== pod.metadata.uid) throw new ApiError(409, "Conflict", `the UID in the bound object reference (${str(ref.uid)}) does not match the UID in record. The object might have been deleted and then recreated`);
    bound = { kind: "Pod", name: pod.metadata.name!, uid: pod.metadata.uid! };
  }
  const claims = newClaims(sa, audiences, seconds, bound);
  const managedFields = createdFields({ ...t, group: "authentication.k8s.io", version: "v1" }, req, q, body, "token");
  sendJson(res, 201, {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace: ns, creationTimestamp: nowIso(), ...(managedFields ? { managedFields } : {}) },
    spec: { audiences, expirationSeconds: seconds, boundObjectRef: bound ? { kind: "Pod", apiVersion: "v1", name: bound.name, uid: bound.uid } : null },
    status: { token: issueToken(c.id, c.token, claims), expirationTimestamp: expiryOf(claims) },
  });
  return "create";
}
