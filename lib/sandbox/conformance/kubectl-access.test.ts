import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedCluster } from "../admin-client";
import { KUBECTL_VERSIONS, KUBECTLS, kubectl, startHarness, type Harness } from "./harness";

// kubectl against the sandbox for server-side apply and RBAC: the whole scenario with the
// newest kubectl, and a smoke step of each (apply create, conflict, force; a service account's
// kubeconfig refused and allowed; `auth can-i`) with every kubectl from 1.27 to 1.33.

const FULL = KUBECTL_VERSIONS.at(-1)?.bin ?? KUBECTLS[0]!;

const configMap = (name: string, ns: string, data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join("\n")}\n`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ssa
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

interface ManagedEntry {
  manager: string;
  operation: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

let h: Harness;
let cluster: CreatedCluster & { kubeconfigPath: string };
beforeAll(async () => {
  h = await startHarness();
  cluster = await h.newCluster("empty");
});
afterAll(async () => {
  await h?.close();
});

const admin = (args: string[], stdin?: string, bin = FULL) => kubectl(bin, cluster.kubeconfigPath, args, stdin);

async function managedFields(kind: string, name: string, ns: string): Promise<ManagedEntry[]> {
  const r = await admin(["-n", ns, "get", kind, name, "-o", "json", "--show-managed-fields"]);
  expect(r.stderr).toBe("");
  return (JSON.parse(r.stdout) as { metadata: { managedFields?: ManagedEntry[] } }).metadata.managedFields ?? [];
}

/** A namespace with service account `reader`, allowed get and list of ConfigMaps by a Role, and its kubeconfig. */
async function readerIn(ns: string): Promise<string> {
  for (const args of [
    ["create", "namespace", ns],
    ["-n", ns, "create", "serviceaccount", "reader"],
    ["-n", ns, "create", "role", "cm-reader", "--verb=get,list", "--resource=configmaps"],
    ["-n", ns, "create", "rolebinding", "cm-reader", "--role=cm-reader", `--serviceaccount=${ns}:reader`],
  ]) {
    const r = await admin(args);
    expect(r.stderr, args.join(" ")).toBe("");
  }
  const token = await admin(["-n", ns, "create", "token", "reader"]);
  expect(token.code).toBe(0);
  return h.kubeconfigWithToken(cluster, token.stdout.trim());
}

describe(`server-side apply with ${FULL}`, () => {
  beforeAll(async () => {
    expect((await admin(["create", "namespace", "ssa"])).code).toBe(0);
  });

  it("creates with kubectl apply --server-side, owning exactly the applied fields", async () => {
    const r = await admin(["apply", "--server-side", "-f", "-"], DEPLOYMENT + "---\n" + configMap("cfg", "ssa", { a: "1", b: "2" }));
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("deployment.apps/web serverside-applied");
    expect(r.stdout).toContain("configmap/cfg serverside-applied");
    const [cm] = await managedFields("configmap", "cfg", "ssa");
    expect(cm).toMatchObject({ manager: "kubectl", operation: "Apply", fieldsV1: { "f:data": { "f:a": {}, "f:b": {} } } });
    const dep = await managedFields("deployment", "web", "ssa");
    expect(dep).toHaveLength(1);
    // Defaults the server filled in belong to nobody; the container is owned by its key.
    const spec = dep[0]!.fieldsV1["f:spec"] as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    expect(Object.keys(spec).sort()).toEqual(["f:replicas", "f:selector", "f:template"]);
    expect(spec["f:template"]!["f:spec"]!["f:containers"]!['k:{"name":"web"}']).toEqual({ ".": {}, "f:image": {}, "f:name": {} });
  });

  it("refuses another manager's change with the conflict and its fix, and takes the field with --force-conflicts", async () => {
    const changed = configMap("cfg", "ssa", { a: "9" });
    const refused = await admin(["apply", "--server-side", "--field-manager=ops", "-f", "-"], changed);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .data.a');
    expect(refused.stderr).toContain("--force-conflicts");
    expect((await admin(["-n", "ssa", "get", "cm", "cfg", "-o", "jsonpath={.data.a}"])).stdout).toBe("1");

    const forced = await admin(["apply", "--server-side", "--field-manager=ops", "--force-conflicts", "-f", "-"], changed);
    expect(forced.stderr).toBe("");
    expect((await admin(["-n", "ssa", "get", "cm", "cfg", "-o", "jsonpath={.data}"])).stdout).toBe('{"a":"9","b":"2"}');
    const entries = await managedFields("configmap", "cfg", "ssa");
    expect(entries.map((e) => [e.manager, e.operation, e.fieldsV1])).toEqual([
      ["kubectl", "Apply", { "f:data": { "f:b": {} } }],
      ["ops", "Apply", { "f:data": { "f:a": {} } }],
    ]);
  });

  it("agreeing on a value shares the field; a field no manager applies any more is removed", async () => {
    const shared = await admin(["apply", "--server-side", "--field-manager=ops", "-f", "-"], configMap("cfg", "ssa", { a: "9", b: "2" }));
    expect(shared.stderr).toBe("");
    const entries = await managedFields("configmap", "cfg", "ssa");
    expect(entries.find((e) => e.manager === "kubectl")!.fieldsV1).toEqual({ "f:data": { "f:b": {} } });
    expect(entries.find((e) => e.manager === "ops")!.fieldsV1).toEqual({ "f:data": { "f:a": {}, "f:b": {} } });

    // ops stops applying b; kubectl still owns it, so it stays. Then kubectl stops too: b goes.
    expect((await admin(["apply", "--server-side", "--field-manager=ops", "-f", "-"], configMap("cfg", "ssa", { a: "9" }))).code).toBe(0);
    expect((await admin(["-n", "ssa", "get", "cm", "cfg", "-o", "jsonpath={.data}"])).stdout).toBe('{"a":"9","b":"2"}');
    expect((await admin(["apply", "--server-side", "--force-conflicts", "-f", "-"], configMap("cfg", "ssa", { c: "3" }))).code).toBe(0);
    expect((await admin(["-n", "ssa", "get", "cm", "cfg", "-o", "jsonpath={.data}"])).stdout).toBe('{"a":"9","c":"3"}');
  });

  it("takes over from kubectl's client-side apply without a conflict, keeping the object's data", async () => {
    expect((await admin(["apply", "-f", "-"], configMap("csa", "ssa", { a: "1", b: "1" }))).stdout).toContain("configmap/csa created");
    const taken = await admin(["apply", "--server-side", "-f", "-"], configMap("csa", "ssa", { a: "2", b: "1" }));
    expect([taken.code, taken.stdout]).toEqual([0, "configmap/csa serverside-applied\n"]);
    expect((await admin(["-n", "ssa", "get", "cm", "csa", "-o", "jsonpath={.data}"])).stdout).toBe('{"a":"2","b":"1"}');
    const managers = (await managedFields("configmap", "csa", "ssa")).map((e) => `${e.manager} ${e.operation}`);
    expect(managers).toContain("kubectl Apply");
    expect(managers).not.toContain("kubectl-client-side-apply Update");
    const other = await admin(["apply", "--server-side", "--field-manager=ops", "-f", "-"], configMap("csa", "ssa", { a: "3" }));
    expect(other.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .data.a');
  });

  it("fields set by imperative commands belong to their manager: apply conflicts with kubectl create and kubectl scale", async () => {
    expect((await admin(["-n", "ssa", "create", "configmap", "made", "--from-literal=a=1"])).code).toBe(0);
    const [created] = await managedFields("configmap", "made", "ssa");
    expect(created).toMatchObject({ manager: "kubectl-create", operation: "Update", fieldsV1: { "f:data": { ".": {}, "f:a": {} } } });
    const refused = await admin(["apply", "--server-side", "-f", "-"], configMap("made", "ssa", { a: "2" }));
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.a');

    expect((await admin(["-n", "ssa", "scale", "deployment", "web", "--replicas=3"])).code).toBe(0);
    const scaled = await admin(["apply", "--server-side", "-f", "-"], DEPLOYMENT);
    expect(scaled.stderr).toMatch(/conflict with "kubectl[^"]*" with subresource "scale" using apps\/v1: \.spec\.replicas/);
  });
});

describe(`RBAC with ${FULL}`, () => {
  let reader: string;
  const as = (args: string[]) => kubectl(FULL, reader, args);
  beforeAll(async () => {
    reader = await readerIn("team");
    expect((await admin(["-n", "team", "create", "configmap", "settings", "--from-literal=mode=on"])).code).toBe(0);
  });

  it("a service account's kubeconfig is allowed what its Role grants and refused the rest, in the API server's words", async () => {
    const ok = await as(["-n", "team", "get", "configmap", "settings", "-o", "jsonpath={.data.mode}"]);
    expect([ok.code, ok.stdout]).toEqual([0, "on"]);
    expect((await as(["-n", "team", "get", "configmaps"])).stdout).toContain("settings");

    const pods = await as(["-n", "team", "get", "pods"]);
    expect(pods.code).not.toBe(0);
    expect(pods.stderr).toContain('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:team:reader" cannot list resource "pods" in API group "" in the namespace "team"');
    const create = await as(["-n", "team", "create", "configmap", "mine", "--from-literal=a=1"]);
    expect(create.stderr).toContain('configmaps is forbidden: User "system:serviceaccount:team:reader" cannot create resource "configmaps" in API group "" in the namespace "team"');
    const other = await as(["-n", "default", "get", "configmaps"]);
    expect(other.stderr).toContain('cannot list resource "configmaps" in API group "" in the namespace "default"');
    const nodes = await as(["get", "nodes"]);
    expect(nodes.stderr).toContain('nodes is forbidden: User "system:serviceaccount:team:reader" cannot list resource "nodes" in API group "" at the cluster scope');
  });

  it("kubectl auth can-i answers from the bindings, for the account itself and for an administrator impersonating it", async () => {
    expect(await as(["auth", "can-i", "list", "configmaps", "-n", "team"])).toMatchObject({ code: 0, stdout: "yes\n" });
    expect(await as(["auth", "can-i", "delete", "configmaps", "-n", "team"])).toMatchObject({ code: 1, stdout: "no\n" });
    expect(await as(["auth", "can-i", "get", "pods", "-n", "team"])).toMatchObject({ code: 1, stdout: "no\n" });
    const list = await as(["auth", "can-i", "--list", "-n", "team"]);
    expect(list.stdout).toMatch(/^configmaps\s+\[\]\s+\[\]\s+\[get list\]$/m);
    expect(list.stdout).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);

    expect(await admin(["auth", "can-i", "list", "configmaps", "-n", "team", "--as=system:serviceaccount:team:reader"])).toMatchObject({ stdout: "yes\n" });
    expect(await admin(["auth", "can-i", "list", "pods", "-n", "team", "--as=system:serviceaccount:team:reader"])).toMatchObject({ stdout: "no\n" });
    expect(await admin(["auth", "can-i", "delete", "nodes"])).toMatchObject({ code: 0, stdout: "yes\n" });
    const impersonating = await admin(["-n", "team", "get", "pods", "--as=system:serviceaccount:team:reader"]);
    expect(impersonating.stderr).toContain('pods is forbidden: User "system:serviceaccount:team:reader" cannot list resource "pods"');
  });

  it("follows the bindings as they change: a ClusterRole bound in the namespace, a binding removed, the account deleted", async () => {
    expect((await admin(["-n", "team", "create", "rolebinding", "view", "--clusterrole=view", "--serviceaccount=team:reader"])).code).toBe(0);
    expect((await as(["-n", "team", "get", "pods"])).code).toBe(0);
    expect((await as(["-n", "team", "get", "secrets"])).stderr).toContain('cannot list resource "secrets"');

    expect((await admin(["-n", "team", "delete", "rolebinding", "view", "cm-reader"])).code).toBe(0);
    expect((await as(["-n", "team", "get", "configmaps"])).stderr).toContain("Forbidden");

    const impersonate = await as(["-n", "team", "get", "configmaps", "--as=admin"]);
    expect(impersonate.stderr).toContain('users "admin" is forbidden: User "system:serviceaccount:team:reader" cannot impersonate resource "users" in API group "" at the cluster scope');

    expect((await admin(["-n", "team", "delete", "serviceaccount", "reader"])).code).toBe(0);
    const gone = await as(["-n", "team", "get", "configmaps"]);
    expect(gone.stderr).toMatch(/Unauthorized|must be logged in/);
  });

  it("serves the RBAC kinds with their validation", async () => {
    expect((await admin(["get", "clusterroles", "cluster-admin", "admin", "edit", "view", "-o", "name"])).stdout.trim().split("\n")).toHaveLength(4);
    const bad = await admin(["apply", "-f", "-"], `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: broken, namespace: team}\nrules:\n- resources: [pods]\n`);
    expect(bad.stderr).toContain("rules[0].verbs: Required value: verbs must contain at least one value");
    expect(bad.stderr).toContain("rules[0].apiGroups: Required value: resource rules must supply at least one api group");
  });
});

describe.each(KUBECTL_VERSIONS)("kubectl $version: server-side apply and a service account", ({ version, bin }) => {
  const ns = `v${version.replace(".", "-")}`;
  let reader: string;
  beforeAll(async () => {
    reader = await readerIn(ns);
  });

  it("applies, conflicts and forces", async () => {
    const k = (args: string[], stdin?: string) => kubectl(bin, cluster.kubeconfigPath, args, stdin);
    expect(await k(["apply", "--server-side", "-f", "-"], configMap("cfg", ns, { a: "1" }))).toMatchObject({ code: 0, stdout: "configmap/cfg serverside-applied\n" });
    const refused = await k(["apply", "--server-side", "--field-manager=ops", "-f", "-"], configMap("cfg", ns, { a: "2" }));
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .data.a');
    expect((await k(["apply", "--server-side", "--field-manager=ops", "--force-conflicts", "-f", "-"], configMap("cfg", ns, { a: "2" }))).code).toBe(0);
    expect((await k(["-n", ns, "get", "cm", "cfg", "-o", "jsonpath={.data.a}"])).stdout).toBe("2");
    // From client-side apply to server-side apply, as kubectl migrates its own fields.
    expect((await k(["apply", "-f", "-"], configMap("csa", ns, { a: "1" }))).code).toBe(0);
    expect(await k(["apply", "--server-side", "-f", "-"], configMap("csa", ns, { a: "2" }))).toMatchObject({ code: 0, stdout: "configmap/csa serverside-applied\n" });
    expect((await k(["-n", ns, "get", "cm", "csa", "-o", "jsonpath={.data.a}"])).stdout).toBe("2");
  });

  it("uses a service account's kubeconfig as its Role says", async () => {
    const as = (args: string[]) => kubectl(bin, reader, args);
    expect((await as(["-n", ns, "get", "configmaps"])).code).toBe(0);
    expect((await as(["-n", ns, "get", "pods"])).stderr).toContain(`pods is forbidden: User "system:serviceaccount:${ns}:reader" cannot list resource "pods"`);
    expect(await as(["auth", "can-i", "get", "configmaps", "-n", ns])).toMatchObject({ stdout: "yes\n" });
    expect(await as(["auth", "can-i", "create", "configmaps", "-n", ns])).toMatchObject({ stdout: "no\n" });
  });
});
