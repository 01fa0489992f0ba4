import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedCluster } from "../admin-client";
import { raw, type RawResponse } from "./raw";
import { startHarness, type Harness } from "./harness";

// Raw requests for what no kubectl command shows whole: the Status bodies of RBAC refusals and
// apply conflicts, access and rules reviews, token reviews and requests, impersonation, and
// requests without credentials, each compared with what kube-apiserver answers.

let h: Harness;
let c: CreatedCluster;
let saToken: string;
const NS = "dp";

const call = (method: string, path: string, body?: unknown, token = c.token, headers: Record<string, string | string[]> = {}, contentType = "application/json"): Promise<RawResponse> =>
  raw(`${c.server}${path}`, h.server.caPem, token, method, body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body), contentType, "application/json", headers);

const ssar = (spec: unknown, token?: string, headers?: Record<string, string>) =>
  call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec }, token, headers);

beforeAll(async () => {
  h = await startHarness();
  c = await h.newCluster("empty");
  const steps: [string, unknown][] = [
    ["/api/v1/namespaces", { metadata: { name: NS } }],
    [`/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name: "narrow" } }],
    [`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, { metadata: { name: "narrow-role" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }] }],
    [`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, { metadata: { name: "narrow-rb" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "narrow-role" }, subjects: [{ kind: "ServiceAccount", name: "narrow", namespace: NS }] }],
  ];
  for (const [path, body] of steps) expect((await call("POST", path, body)).status).toBe(201);
  const tr = await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts/narrow/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } });
  expect(tr.status).toBe(201);
  saToken = (tr.json.status as { token: string }).token;
});
afterAll(async () => {
  await h?.close();
});

describe("RBAC refusals", () => {
  it("answers 403 with upstream's message and details for named, listed, created and cluster-scoped requests", async () => {
    const get = await call("GET", `/api/v1/namespaces/${NS}/pods/x`, undefined, saToken);
    expect(get.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `pods "x" is forbidden: User "system:serviceaccount:${NS}:narrow" cannot get resource "pods" in API group "" in the namespace "${NS}"`,
      reason: "Forbidden",
      details: { name: "x", kind: "pods" },
      code: 403,
    });
    const list = await call("GET", "/apis/apps/v1/deployments", undefined, saToken);
    expect([list.status, list.json.message, list.json.details]).toEqual([
      403,
      `deployments.apps is forbidden: User "system:serviceaccount:${NS}:narrow" cannot list resource "deployments" in API group "apps" at the cluster scope`,
      { group: "apps", kind: "deployments" },
    ]);
    const watch = await call("GET", `/api/v1/namespaces/${NS}/secrets?watch=1`, undefined, saToken);
    expect(watch.json.message).toContain('cannot watch resource "secrets"');
    const log = await call("GET", `/api/v1/namespaces/${NS}/pods/x/log`, undefined, saToken);
    expect(log.json.message).toContain('cannot get resource "pods/log" in API group ""');
    // Authorisation comes before routing: an unknown resource is refused, not "not found".
    expect((await call("GET", `/api/v1/namespaces/${NS}/nothings`, undefined, saToken)).status).toBe(403);
    const allowed = await call("GET", `/api/v1/namespaces/${NS}/configmaps`, undefined, saToken);
    expect([allowed.status, allowed.json.kind]).toEqual([200, "ConfigMapList"]);
  });

  it("answers a request without credentials as system:anonymous (public paths only) and unknown credentials with 401", async () => {
    const anon = await call("GET", "/api/v1/namespaces", undefined, "");
    expect([anon.status, anon.json.message, anon.json.details]).toEqual([
      403,
      'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
      { kind: "namespaces" },
    ]);
    expect((await call("GET", "/version", undefined, "")).status).toBe(200);
    expect((await call("GET", "/healthz", undefined, "")).status).toBe(200);
    const discovery = await call("GET", "/api", undefined, "");
    expect([discovery.status, discovery.json.message]).toEqual([403, 'forbidden: User "system:anonymous" cannot get path "/api"']);
    const bad = await call("GET", "/api/v1/namespaces", undefined, "not-a-token");
    expect(bad.json).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    // A service account token signed for this cluster opens it even without the /c/<id> prefix.
    const bare = await raw(`${h.server.apiUrl}/api/v1/namespaces/${NS}/configmaps`, h.server.caPem, saToken, "GET");
    expect(bare.status).toBe(200);
  });

  it("refuses a token for another audience, and every token of a deleted account", async () => {
    const other = await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts/narrow/token`, { spec: { audiences: ["vault"] } });
    const token = (other.json.status as { token: string }).token;
    expect((await call("GET", `/api/v1/namespaces/${NS}/configmaps`, undefined, token)).status).toBe(401);
    expect((await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name: "short-lived" } })).status).toBe(201);
    const t2 = await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts/short-lived/token`, {});
    const short = (t2.json.status as { token: string }).token;
    expect((await call("GET", "/apis/authorization.k8s.io/v1", undefined, short)).status).toBe(200);
    expect((await call("DELETE", `/api/v1/namespaces/${NS}/serviceaccounts/short-lived`)).status).toBe(200);
    expect((await call("GET", "/apis/authorization.k8s.io/v1", undefined, short)).status).toBe(401);
  });
});

describe("token requests and reviews", () => {
  it("issues a TokenRequest with upstream's shape, validates its duration and needs the account", async () => {
    const tr = await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts/narrow/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } });
    expect(tr.json).toMatchObject({
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name: "narrow", namespace: NS, managedFields: [{ operation: "Update", apiVersion: "authentication.k8s.io/v1", fieldsV1: { "f:spec": { "f:expirationSeconds": {} } }, subresource: "token" }] },
      spec: { audiences: ["https://kubernetes.default.svc"], expirationSeconds: 3600, boundObjectRef: null },
    });
    const status = tr.json.status as { token: string; expirationTimestamp: string };
    expect(status.token.split(".")).toHaveLength(3);
    expect(Date.parse(status.expirationTimestamp) - Date.now()).toBeGreaterThan(3500_000);
    const short = await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts/narrow/token`, { spec: { expirationSeconds: 60 } });
    expect([short.status, short.json.message]).toEqual([422, 'TokenRequest.authentication.k8s.io "narrow" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes']);
    const missing = await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts/ghost/token`, {});
    expect([missing.status, missing.json.message]).toEqual([404, 'serviceaccounts "ghost" not found']);
    const denied = await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts/narrow/token`, {}, saToken);
    expect(denied.json.message).toBe(`serviceaccounts "narrow" is forbidden: User "system:serviceaccount:${NS}:narrow" cannot create resource "serviceaccounts/token" in API group "" in the namespace "${NS}"`);
  });

  it("reviews tokens: a service account's with its user and groups, an unknown one unauthenticated", async () => {
    const ok = await call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: saToken } });
    expect(ok.status).toBe(201);
    expect(ok.json.status).toEqual({
      authenticated: true,
      user: { username: `system:serviceaccount:${NS}:narrow`, uid: expect.any(String) as string, groups: ["system:serviceaccounts", `system:serviceaccounts:${NS}`, "system:authenticated"] },
      audiences: ["https://kubernetes.default.svc"],
    });
    const bad = await call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", { spec: { token: "nope" } });
    expect((bad.json.status as { authenticated?: boolean }).authenticated).toBeUndefined();
    expect((bad.json.status as { user: unknown }).user).toEqual({});
    expect((await call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", { spec: {} })).status).toBe(400);
  });
});

describe("access reviews", () => {
  it("answers SelfSubjectAccessReviews from the bindings, with the binding that allowed", async () => {
    const yes = await ssar({ resourceAttributes: { namespace: NS, verb: "list", resource: "configmaps" } }, saToken);
    expect(yes.status).toBe(201);
    expect(yes.json.status).toEqual({ allowed: true, reason: `RBAC: allowed by RoleBinding "narrow-rb/${NS}" of Role "narrow-role" to ServiceAccount "narrow/${NS}"` });
    expect((yes.json.metadata as { managedFields: { fieldsV1: unknown }[] }).managedFields[0]!.fieldsV1).toEqual({ "f:spec": { "f:resourceAttributes": { ".": {}, "f:namespace": {}, "f:resource": {}, "f:verb": {} } } });
    expect((await ssar({ resourceAttributes: { namespace: NS, verb: "list", resource: "pods" } }, saToken)).json.status).toEqual({ allowed: false });
    expect((await ssar({ nonResourceAttributes: { path: "/healthz", verb: "get" } }, saToken)).json.status).toMatchObject({ allowed: true });
    expect((await ssar({ nonResourceAttributes: { path: "/metrics", verb: "get" } }, saToken)).json.status).toEqual({ allowed: false });
    expect((await ssar({ resourceAttributes: { namespace: NS, verb: "delete", resource: "pods" } })).json.status).toMatchObject({ allowed: true });
  });

  it("refuses an empty SelfSubjectAccessReview with upstream's 422", async () => {
    const empty = await ssar({});
    expect(empty.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      reason: "Invalid",
      details: {
        group: "authorization.k8s.io",
        causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', field: "spec.resourceAttributes" }],
      },
      code: 422,
    });
  });

  it("lists a service account's rules in a namespace (SelfSubjectRulesReview)", async () => {
    const r = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace: NS } }, saToken);
    expect(r.status).toBe(201);
    const status = r.json.status as { resourceRules: unknown[]; nonResourceRules: { nonResourceURLs: string[] }[]; incomplete: boolean };
    expect(status.resourceRules).toEqual([
      { verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"] },
      { verbs: ["get", "list"], apiGroups: [""], resources: ["configmaps"] },
    ]);
    expect(status.nonResourceRules.flatMap((n) => n.nonResourceURLs)).toEqual(expect.arrayContaining(["/api", "/version", "/openid/v1/jwks"]));
    expect(status.incomplete).toBe(false);
    const other = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { spec: { namespace: "default" } }, saToken);
    expect((other.json.status as { resourceRules: unknown[] }).resourceRules).toHaveLength(1);
  });

  it("gives the cluster token cluster-admin's rules as system:masters, and needs a namespace", async () => {
    const r = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { spec: { namespace: NS } });
    const status = r.json.status as { resourceRules: unknown[]; nonResourceRules: unknown[] };
    expect(status.resourceRules).toEqual([
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      { verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"] },
    ]);
    expect(status.nonResourceRules).toContainEqual({ verbs: ["*"], nonResourceURLs: ["*"] });
    const none = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { spec: {} });
    expect([none.status, none.json.message]).toEqual([400, "no namespace on request"]);
    // The administrator's access review is allowed without a reason, as for system:masters upstream.
    expect((await ssar({ resourceAttributes: { verb: "delete", resource: "nodes" } })).json.status).toEqual({ allowed: true });
  });
});

describe("impersonation", () => {
  it("acts as the impersonated user when the caller may impersonate, with its groups", async () => {
    const asSa = await call("GET", `/api/v1/namespaces/${NS}/pods`, undefined, c.token, { "Impersonate-User": `system:serviceaccount:${NS}:narrow` });
    expect([asSa.status, asSa.json.message]).toEqual([403, `pods is forbidden: User "system:serviceaccount:${NS}:narrow" cannot list resource "pods" in API group "" in the namespace "${NS}"`]);
    const masters = await call("GET", `/api/v1/namespaces/${NS}/pods`, undefined, c.token, { "Impersonate-User": "someone", "Impersonate-Group": ["developers", "system:masters"] });
    expect([masters.status, masters.json.kind]).toEqual([200, "PodList"]);
    const review = await ssar({ resourceAttributes: { namespace: NS, verb: "get", resource: "configmaps" } }, c.token, { "Impersonate-User": `system:serviceaccount:${NS}:narrow` });
    expect(review.json.status).toMatchObject({ allowed: true });
  });

  it("refuses impersonation to a caller without the impersonate verb", async () => {
    const r = await call("GET", `/api/v1/namespaces/${NS}/configmaps`, undefined, saToken, { "Impersonate-User": "admin" });
    expect([r.status, r.json.message, r.json.details]).toEqual([
      403,
      `users "admin" is forbidden: User "system:serviceaccount:${NS}:narrow" cannot impersonate resource "users" in API group "" at the cluster scope`,
      { name: "admin", kind: "users" },
    ]);
    const group = await call("GET", `/api/v1/namespaces/${NS}/configmaps`, undefined, saToken, { "Impersonate-User": `system:serviceaccount:${NS}:narrow`, "Impersonate-Group": "system:masters" });
    expect(group.json.message).toContain('serviceaccounts "narrow" is forbidden');
  });
});

describe("RBAC objects", () => {
  it("validates roles and bindings with every cause, defaults apiGroups, and keeps roleRef immutable", async () => {
    const role = await call("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, { metadata: { name: "bad" }, rules: [{ resources: ["pods"] }, { verbs: ["get"], nonResourceURLs: ["/x"] }] });
    expect(role.status).toBe(422);
    expect((role.json.details as { causes: { field: string }[] }).causes.map((x) => x.field)).toEqual(["rules[0].verbs", "rules[0].apiGroups", "rules[1].nonResourceURLs"]);
    expect(role.json.message).toContain('rules[1].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs');

    const rb = await call("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, { metadata: { name: "bad" }, roleRef: { kind: "Thing", name: "x" }, subjects: [{ kind: "Robot", name: "r" }] });
    expect(rb.status).toBe(422);
    expect(rb.json.message).toContain('roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"');
    expect(rb.json.message).toContain('subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"');

    const ok = await call("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, { metadata: { name: "users" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects: [{ kind: "User", name: "jane" }] });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ roleRef: { apiGroup: "rbac.authorization.k8s.io" }, subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "jane" }] });
    const change = await call("PATCH", `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings/users`, { roleRef: { name: "edit" } }, c.token, {}, "application/merge-patch+json");
    expect([change.status, change.json.message]).toEqual([422, 'RoleBinding.rbac.authorization.k8s.io "users" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef']);
  });
});

describe("escalation", () => {
  it("lets a namespace admin grant what it holds, refuses more in upstream's words, and allows it with bind", async () => {
    expect((await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name: "lead" } })).status).toBe(201);
    const bind = (name: string, kind: string, role: string, token = c.token) =>
      call("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, { metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role }, subjects: [{ kind: "ServiceAccount", name: "lead", namespace: NS }] }, token);
    expect((await bind("lead-admin", "ClusterRole", "admin")).status).toBe(201);
    const lead = ((await call("POST", `/api/v1/namespaces/${NS}/serviceaccounts/lead/token`, {})).json.status as { token: string }).token;

    const role = (name: string, rules: unknown[]) => call("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, { metadata: { name }, rules }, lead);
    expect((await role("cm-editor", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "update"] }])).status).toBe(201);
    const more = await role("node-reader", [{ apiGroups: [""], resources: ["nodes", "configmaps"], verbs: ["get"] }]);
    expect([more.status, more.json.message, more.json.details]).toEqual([
      403,
      `roles.rbac.authorization.k8s.io "node-reader" is forbidden: user "system:serviceaccount:${NS}:lead" (groups=["system:serviceaccounts" "system:serviceaccounts:${NS}" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}`,
      { name: "node-reader", group: "rbac.authorization.k8s.io", kind: "roles" },
    ]);

    const escalate = await bind("lead-root", "ClusterRole", "cluster-admin", lead);
    expect(escalate.status).toBe(403);
    expect(escalate.json.message).toContain('{APIGroups:["*"], Resources:["*"], Verbs:["*"]}');
    expect((await bind("lead-edit", "ClusterRole", "edit", lead)).status).toBe(201);

    // An administrator gives the lead `bind` on cluster-admin: now it may bind it.
    expect((await call("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", { metadata: { name: "bind-root" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], resourceNames: ["cluster-admin"], verbs: ["bind"] }] })).status).toBe(201);
    expect((await bind("lead-bind", "ClusterRole", "bind-root")).status).toBe(201);
    expect((await bind("lead-root", "ClusterRole", "cluster-admin", lead)).status).toBe(201);
  });
});

describe("server-side apply", () => {
  const applyCm = (data: Record<string, string>, manager: string | null, extra = "") =>
    call("PATCH", `/api/v1/namespaces/${NS}/configmaps/ssa${manager ? `?fieldManager=${manager}` : ""}${extra}`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join("\n")}\n`, c.token, {}, "application/apply-patch+yaml");

  it("creates (201), conflicts (409 FieldManagerConflict), forces (200), and needs a field manager (422)", async () => {
    const created = await applyCm({ a: "1" }, "mgr-a");
    expect(created.status).toBe(201);
    expect((created.json.metadata as { managedFields: unknown[] }).managedFields).toEqual([
      { manager: "mgr-a", operation: "Apply", apiVersion: "v1", time: expect.any(String) as string, fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } },
    ]);
    const refused = await applyCm({ a: "2" }, "mgr-b");
    expect(refused.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Apply failed with 1 conflict: conflict with "mgr-a": .data.a',
      reason: "Conflict",
      details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "mgr-a"', field: ".data.a" }] },
      code: 409,
    });
    const forced = await applyCm({ a: "2" }, "mgr-b", "&force=true");
    expect(forced.status).toBe(200);
    expect((forced.json.metadata as { managedFields: { manager: string }[] }).managedFields.map((m) => m.manager)).toEqual(["mgr-b"]);
    const noManager = await applyCm({ a: "3" }, null);
    expect(noManager.json).toMatchObject({
      code: 422,
      message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      details: { group: "meta.k8s.io", kind: "PatchOptions", causes: [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }] },
    });
    const typo = await call("PATCH", `/api/v1/namespaces/${NS}/configmaps/ssa?fieldManager=mgr-a`, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndatta:\n  a: \"1\"\n", c.token, {}, "application/apply-patch+yaml");
    expect([typo.status, typo.json.message]).toEqual([400, "failed to create typed patch object (/v1, Kind=ConfigMap): .datta: field not declared in schema"]);
    const forceMerge = await call("PATCH", `/api/v1/namespaces/${NS}/configmaps/ssa?force=true`, { data: { a: "4" } }, c.token, {}, "application/merge-patch+json");
    expect(forceMerge.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it("lists every conflict of several managers, and names Update managers with their apiVersion", async () => {
    expect((await call("POST", `/api/v1/namespaces/${NS}/configmaps?fieldManager=editor`, { metadata: { name: "multi" }, data: { a: "1", b: "1" } })).status).toBe(201);
    const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: multi\ndata:\n  a: "2"\n  b: "2"\n`;
    const r = await call("PATCH", `/api/v1/namespaces/${NS}/configmaps/multi?fieldManager=ops`, body, c.token, {}, "application/apply-patch+yaml");
    expect(r.status).toBe(409);
    expect(r.json.message).toBe('Apply failed with 2 conflicts: conflicts with "editor" using v1:\n- .data.a\n- .data.b');
    expect((r.json.details as { causes: unknown[] }).causes).toEqual([
      { reason: "FieldManagerConflict", message: 'conflict with "editor" using v1', field: ".data.a" },
      { reason: "FieldManagerConflict", message: 'conflict with "editor" using v1', field: ".data.b" },
    ]);
  });

  it("records an Update entry for each manager of a create, update and patch", async () => {
    const created = await call("POST", `/api/v1/namespaces/${NS}/configmaps?fieldManager=my-mgr`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fm1", labels: { grp: "a" } }, data: { a: "1" } });
    expect((created.json.metadata as { managedFields: unknown[] }).managedFields).toEqual([
      { manager: "my-mgr", operation: "Update", apiVersion: "v1", time: expect.any(String) as string, fieldsType: "FieldsV1", fieldsV1: { "f:data": { ".": {}, "f:a": {} }, "f:metadata": { "f:labels": { ".": {}, "f:grp": {} } } } },
    ]);
    const patched = await call("PATCH", `/api/v1/namespaces/${NS}/configmaps/fm1?fieldManager=patcher`, { data: { a: "2", b: "1" } }, c.token, {}, "application/merge-patch+json");
    const entries = (patched.json.metadata as { managedFields: { manager: string; fieldsV1: unknown }[] }).managedFields;
    expect(entries.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ["my-mgr", { "f:data": {}, "f:metadata": { "f:labels": { ".": {}, "f:grp": {} } } }],
      ["patcher", { "f:data": { "f:a": {}, "f:b": {} } }],
    ]);
  });
});
