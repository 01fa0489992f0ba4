import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { internal } from "./errors";
import { isoAt } from "./names";
import { authorize, forbiddenFor, type Attributes, type UserInfo } from "./rbac";
import { POD, SERVICE_ACCOUNT } from "./resources";
import type { Store } from "./store";
import { isObject, type KObject } from "./types";

// Who a request is. The cluster's own token is its administrator (system:masters); a
// ServiceAccount token from the TokenRequest API is that service account, for as long as the
// account (and the object it is bound to) exists and the token has not expired; no token at all
// is system:anonymous, which RBAC then allows only the public paths (/version, /healthz…);
// anything else is 401. Tokens are JWTs as upstream's, signed with an HMAC of the cluster's
// token (so they survive snapshots and die with the cluster); the header's `kid` names the
// cluster, for requests that arrive without the /c/<id> prefix.

/** The audience of the API server itself: a token without it does not authenticate here. */
export const API_AUDIENCE = "https://kubernetes.default.svc";
const ISSUER = "https://kubernetes.default.svc";

export const ADMIN_USER: UserInfo = { name: "sandbox", groups: ["system:masters", "system:authenticated"], admin: true };
export const ANONYMOUS: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const sign = (key: string, data: string) => createHmac("sha256", key).update(data).digest("base64url");

export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  "kubernetes.io": {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
  };
  nbf: number;
  sub: string;
}

/** A signed token for a service account (TokenRequest). */
export function issueToken(clusterId: string, key: string, claims: TokenClaims): string {
  const head = b64({ alg: "HS256", kid: clusterId });
  const body = b64(claims);
  return `${head}.${body}.${sign(key, `${head}.${body}`)}`;
}

/** The cluster id a token names (its header's kid), without checking it. */
export function tokenCluster(token: string): string | undefined {
  const head = token.split(".")[0];
  if (!head || token.split(".").length !== 3) return undefined;
  try {
    const h = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as unknown;
    return isObject(h) && typeof h.kid === "string" ? h.kid : undefined;
  } catch {
    return undefined;
  }
}

export const serviceAccountUser = (ns: string, name: string, uid?: string): UserInfo => ({
  name: `system:serviceaccount:${ns}:${name}`,
  ...(uid ? { uid } : {}),
  groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
});

/** The service account a token of this cluster stands for, when it is valid for `audience`. */
export function verifyToken(store: Store, key: string, token: string, audience = API_AUDIENCE): { user: UserInfo; claims: TokenClaims } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const want = Buffer.from(sign(key, `${parts[0]}.${parts[1]}`));
  const got = Buffer.from(parts[2]!);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as TokenClaims;
  } catch {
    return undefined;
  }
  const now = Date.now() / 1000;
  if (!(claims.exp > now) || claims.nbf > now + 60 || !claims.aud?.includes(audience)) return undefined;
  const k = claims["kubernetes.io"];
  const sa = store.get(SERVICE_ACCOUNT, k.namespace, k.serviceaccount.name);
  if (!sa || sa.metadata.uid !== k.serviceaccount.uid) return undefined;
  if (k.pod) {
    const p = store.get(POD, k.namespace, k.pod.name);
    if (!p || p.metadata.uid !== k.pod.uid) return undefined;
  }
  return { user: serviceAccountUser(k.namespace, k.serviceaccount.name, sa.metadata.uid), claims };
}

/** Claims of a new token for this service account (TokenRequest's defaults: one hour, the API's audience). */
export function newClaims(sa: KObject, audiences: string[], seconds: number, bound?: { kind: string; name: string; uid: string }): TokenClaims {
  const iat = Math.floor(Date.now() / 1000);
  const ns = sa.metadata.namespace!;
  return {
    aud: audiences,
    exp: iat + seconds,
    iat,
    iss: ISSUER,
    "kubernetes.io": {
      namespace: ns,
      serviceaccount: { name: sa.metadata.name!, uid: sa.metadata.uid! },
      ...(bound?.kind === "Pod" ? { pod: { name: bound.name, uid: bound.uid } } : {}),
      ...(bound?.kind === "Secret" ? { secret: { name: bound.name, uid: bound.uid } } : {}),
    },
    nbf: iat,
    sub: `system:serviceaccount:${ns}:${sa.metadata.name}`,
  };
}

export const expiryOf = (claims: TokenClaims) => isoAt(claims.exp * 1000);

// ---- request attributes (upstream's RequestInfoFactory) ----

const VERBS: Record<string, string> = { POST: "create", GET: "get", HEAD: "get", PUT: "update", PATCH: "patch", DELETE: "delete" };
const truthy = (v: string | null) => v !== null && v !== "" && v !== "0" && v !== "false";

/** What RBAC is asked about a request: its verb and resource, or its path. */
export function requestAttributes(user: UserInfo, method: string, path: string, q: URLSearchParams): Attributes {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const nonResource = (): Attributes => ({ user, verb: method.toLowerCase(), resourceRequest: false, path, apiGroup: "", apiVersion: "", resource: "", subresource: "", namespace: "", name: "" });
  let rest: string[];
  let apiGroup = "";
  let apiVersion: string;
  if (parts[0] === "api" && parts.length >= 3) {
    apiVersion = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    apiGroup = parts[1]!;
    apiVersion = parts[2]!;
    rest = parts.slice(3);
  } else return nonResource();
  let verb = VERBS[method] ?? method.toLowerCase();
  if (rest[0] === "watch") {
    verb = "watch";
    rest = rest.slice(1);
  }
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length > 1) {
    namespace = rest[1]!;
    if (rest.length > 2 && rest[2] !== "status" && rest[2] !== "finalize") rest = rest.slice(2);
  }
  const [resource = "", name = "", subresource = ""] = rest;
  let n = name;
  if (verb === "get" && !name) verb = truthy(q.get("watch")) ? "watch" : "list";
  if (verb === "delete" && !name) verb = "deletecollection";
  if ((verb === "list" || verb === "watch") && !n) {
    // A list or watch of one object by name is authorised as that object (upstream does the same).
    const m = /(?:^|,)metadata\.name==?([^,]+)/.exec(q.get("fieldSelector") ?? "");
    if (m) n = m[1]!;
  }
  return { user, verb, resourceRequest: true, path, apiGroup, apiVersion, resource, subresource, namespace, name: n };
}

// ---- impersonation (upstream's WithImpersonation filter) ----

/** The user a request acts as, after its Impersonate-* headers (each one authorised by the impersonate verb). */
export function impersonate(store: Store, user: UserInfo, req: IncomingMessage, path: string): UserInfo {
  let any = false;
  for (const k in req.headers) if (k.startsWith("impersonate-")) any = true;
  if (!any) return user;
  // Each header may be sent more than once (one group per header, as kubectl --as-group does).
  const h = req.headersDistinct;
  const name = h["impersonate-user"]?.[0];
  const groups = h["impersonate-group"] ?? [];
  const uid = h["impersonate-uid"]?.[0];
  const extras = Object.keys(h).filter((k) => k.startsWith("impersonate-extra-"));
  if (name === undefined && groups.length === 0 && uid === undefined && extras.length === 0) return user;
  if (!name) throw internal(`Internal error occurred: requested impersonation without impersonating a user`);
  const check = (a: Partial<Attributes>) => {
    const attrs: Attributes = { user, verb: "impersonate", resourceRequest: true, path, apiGroup: "", apiVersion: "v1", resource: "", subresource: "", namespace: "", name: "", ...a };
    if (!authorize(store, attrs).allowed) throw forbiddenFor(attrs);
  };
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (sa) check({ resource: "serviceaccounts", namespace: sa[1]!, name: sa[2]! });
  else check({ resource: "users", name });
  for (const g of groups) check({ resource: "groups", name: g });
  const extra: Record<string, string[]> = {};
  for (const k of extras) {
    const key = decodeURIComponent(k.slice("impersonate-extra-".length));
    const values = h[k] ?? [];
    for (const v of values) check({ apiGroup: "authentication.k8s.io", resource: "userextras", subresource: key, name: v });
    extra[key] = values;
  }
  if (uid) check({ apiGroup: "authentication.k8s.io", resource: "uids", name: uid });
  let finalGroups = groups;
  if (groups.length === 0 && sa) finalGroups = serviceAccountUser(sa[1]!, sa[2]!).groups.filter((g) => g !== "system:authenticated");
  if (name === ANONYMOUS.name) {
    if (!finalGroups.includes("system:unauthenticated")) finalGroups = [...finalGroups, "system:unauthenticated"];
  } else if (!finalGroups.includes("system:authenticated")) finalGroups = [...finalGroups, "system:authenticated"];
  return { name, groups: finalGroups, ...(uid ? { uid } : {}), ...(extras.length ? { extra } : {}) };
}
