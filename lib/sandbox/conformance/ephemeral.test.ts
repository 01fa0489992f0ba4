// The pods/ephemeralcontainers subresource against a real sandbox: kubectl debug adds one, the
// kubelet simulation starts it, `kubectl get pod -o yaml` shows it, and every refusal is the API
// server's (validation, RBAC on the subresource, Pod Security admission).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedCluster } from "../admin-client";
import { eventually, KUBECTLS, kubectl, startHarness, type Harness } from "./harness";
import { raw } from "./raw";

let h: Harness;
let cluster: CreatedCluster & { kubeconfigPath: string };
let pod: string;

const k = (args: string[], bin = "/usr/bin/kubectl", kc = cluster.kubeconfigPath) => kubectl(bin, kc, args);
const podUrl = (ns: string, name: string, sub = "ephemeralcontainers") => `${cluster.server}/api/v1/namespaces/${ns}/pods/${name}${sub ? `/${sub}` : ""}`;
const call = (method: string, url: string, body?: unknown, type = "application/strategic-merge-patch+json", token = cluster.token) =>
  raw(url, h.server.caPem, token, method, body === undefined ? undefined : JSON.stringify(body), type);

type Pod = { metadata: { resourceVersion: string }; spec: { ephemeralContainers?: Record<string, unknown>[] }; status: { ephemeralContainerStatuses?: { name: string; state: Record<string, Record<string, unknown>> }[] } };

async function getPod(ns: string, name: string): Promise<Pod> {
  return (await call("GET", podUrl(ns, name, ""))).json as unknown as Pod;
}

beforeAll(async () => {
  h = await startHarness();
  cluster = await h.newCluster("demo");
  const pods = JSON.parse((await k(["get", "pods", "-n", "shop", "-l", "app=cart", "-o", "json"])).stdout) as { items: { metadata: { name: string } }[] };
  pod = pods.items[0]!.metadata.name;
});
afterAll(async () => {
  await h?.close();
});

describe("kubectl debug", () => {
  it.each(KUBECTLS)("adds an ephemeral container that starts and shows in get -o yaml (%s)", async (bin) => {
    const name = `dbg-${KUBECTLS.indexOf(bin)}`;
    const out = await k(["debug", "-n", "shop", pod, "--image=busybox:1.36", `--target=cart`, "-c", name, "--", "sleep", "3600"], bin);
    expect(out.stderr).not.toMatch(/error/i);
    expect(out.code).toBe(0);
    await eventually(async () => ((await getPod("shop", pod)).status.ephemeralContainerStatuses ?? []).some((s) => s.name === name && s.state.running));
    const yaml = (await k(["get", "pod", "-n", "shop", pod, "-o", "yaml"], bin)).stdout;
    expect(yaml).toContain("ephemeralContainers:");
    expect(yaml).toContain(`targetContainerName: cart`);
    expect(yaml).toContain("ephemeralContainerStatuses:");
    expect(yaml).toMatch(new RegExp(`name: ${name}\\n`));
    const describe = (await k(["describe", "pod", "-n", "shop", pod], bin)).stdout;
    expect(describe).toContain(`Started container ${name}`);
  });

  it("ends an ephemeral container whose command exits, with its code, and never restarts it", async () => {
    const out = await k(["debug", "-n", "shop", pod, "--image=busybox", "-c", "quits", "--", "sh", "-c", "exit 3"]);
    expect(out.code).toBe(0);
    await eventually(async () => ((await getPod("shop", pod)).status.ephemeralContainerStatuses ?? []).some((s) => s.name === "quits" && s.state.terminated?.exitCode === 3));
    const logs = await k(["logs", "-n", "shop", pod, "-c", "quits"]);
    expect(logs.code).toBe(0);
  });
});

describe("the subresource", () => {
  it("GET answers the Pod; a JSON merge patch and a PUT add containers; other changes are dropped", async () => {
    const got = await call("GET", podUrl("shop", pod));
    expect(got.status).toBe(200);
    expect(got.json.kind).toBe("Pod");
    const merged = (await call("GET", podUrl("shop", pod))).json as unknown as Pod;
    const list = [...(merged.spec.ephemeralContainers ?? []), { name: "by-merge", image: "busybox" }];
    const m = await call("PATCH", podUrl("shop", pod), { metadata: { labels: { sneaky: "x" } }, spec: { ephemeralContainers: list, containers: [] } }, "application/merge-patch+json");
    expect(m.status).toBe(200);
    expect((m.json as unknown as Pod).spec.ephemeralContainers!.map((c) => c.name)).toContain("by-merge");
    expect(((m.json.metadata as { labels: Record<string, string> }).labels ?? {}).sneaky).toBeUndefined();
    const cur = await getPod("shop", pod);
    const body = { ...cur, spec: { ...cur.spec, ephemeralContainers: [...cur.spec.ephemeralContainers!, { name: "by-put", image: "busybox" }] } };
    const put = await call("PUT", podUrl("shop", pod), body, "application/json");
    expect(put.status).toBe(200);
    const added = (put.json as unknown as Pod).spec.ephemeralContainers!.find((c) => c.name === "by-put")!;
    expect(added).toMatchObject({ imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" });
    const jp = await call("PATCH", podUrl("shop", pod), [{ op: "add", path: "/spec/ephemeralContainers/-", value: { name: "by-json-patch", image: "busybox:1" } }], "application/json-patch+json");
    expect(jp.status).toBe(200);
    const stale = await call("PUT", podUrl("shop", pod), { ...body, metadata: { ...body.metadata, resourceVersion: "1" } }, "application/json");
    expect(stale.status).toBe(409);
    expect(await call("POST", podUrl("shop", pod), {}, "application/json")).toMatchObject({ status: 405 });
    expect(await call("DELETE", podUrl("shop", pod))).toMatchObject({ status: 405 });
  });

  it("refuses what ValidatePodEphemeralContainersUpdate refuses, in its words", async () => {
    // The containers the test above added start on their own and each start writes the Pod;
    // wait until they all have, so the PUTs below carry the current resourceVersion (a stale
    // one is a 409 before validation, as in the API server).
    await eventually(async () => {
      const p = await getPod("shop", pod);
      const started = new Set((p.status.ephemeralContainerStatuses ?? []).filter((s) => s.state.running || s.state.terminated).map((s) => s.name));
      return (p.spec.ephemeralContainers ?? []).every((c) => started.has(String(c.name)));
    });
    const cur = await getPod("shop", pod);
    const existing = cur.spec.ephemeralContainers!;
    const removed = await call("PUT", podUrl("shop", pod), { ...cur, spec: { ...cur.spec, ephemeralContainers: existing.slice(1) } }, "application/json");
    expect(removed.status).toBe(422);
    expect(removed.json.message).toBe(`Pod "${pod}" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "${String(existing[0]!.name)}" may not be removed\n`);
    const changed = await call("PUT", podUrl("shop", pod), { ...cur, spec: { ...cur.spec, ephemeralContainers: [{ ...existing[0], image: "alpine" }, ...existing.slice(1)] } }, "application/json");
    expect(changed.status).toBe(422);
    expect(String(changed.json.message)).toContain(`spec.ephemeralContainers: Forbidden: existing ephemeral containers "${String(existing[0]!.name)}" may not be changed\n`);
    const bad = await call("PATCH", podUrl("shop", pod), {
      spec: {
        ephemeralContainers: [
          { name: "cart", image: "busybox", ports: [{ containerPort: 80 }], resources: { limits: { cpu: "1" } }, readinessProbe: { exec: { command: ["true"] } }, targetContainerName: "nope" },
          { name: "no-image" },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.message).toBe(
      `Pod "${pod}" is invalid: [spec.ephemeralContainers[${existing.length}].name: Duplicate value: "cart", spec.ephemeralContainers[${existing.length}].targetContainerName: Not found: "nope", spec.ephemeralContainers[${existing.length}].ports: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers[${existing.length}].resources: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers[${existing.length}].readinessProbe: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers[${existing.length + 1}].image: Required value]`,
    );
    const causes = (bad.json.details as { causes: { reason: string; field: string }[] }).causes;
    expect(causes[0]).toEqual({ reason: "FieldValueDuplicate", message: 'Duplicate value: "cart"', field: `spec.ephemeralContainers[${existing.length}].name` });
    const create = await call("POST", `${cluster.server}/api/v1/namespaces/default/pods`, { metadata: { name: "with-ec" }, spec: { containers: [{ name: "a", image: "nginx" }], ephemeralContainers: [{ name: "b", image: "busybox" }] } }, "application/json");
    expect(create.status).toBe(422);
    expect(create.json.message).toBe('Pod "with-ec" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create');
    const viaPod = await call("PATCH", podUrl("shop", pod, ""), { spec: { ephemeralContainers: [{ name: "sideways", image: "busybox" }] } });
    expect(viaPod.status).toBe(422);
    expect(String(viaPod.json.message)).toContain("pod updates may not change fields");
    expect(await call("GET", podUrl("shop", "missing"))).toMatchObject({ status: 404 });
  });

  it("is authorised as pods/ephemeralcontainers: patch on pods alone is not enough", async () => {
    const sa = "debugger";
    await k(["create", "serviceaccount", "-n", "shop", sa]);
    await k(["create", "role", "-n", "shop", "pods-only", "--verb=get,patch", "--resource=pods"]);
    await k(["create", "rolebinding", "-n", "shop", "pods-only", "--role=pods-only", `--serviceaccount=shop:${sa}`]);
    const token = (await k(["create", "token", "-n", "shop", sa])).stdout.trim();
    const patch = { spec: { ephemeralContainers: [{ name: "by-sa", image: "busybox" }] } };
    const refused = await call("PATCH", podUrl("shop", pod), patch, undefined, token);
    expect(refused.status).toBe(403);
    expect(refused.json.message).toBe(`pods "${pod}" is forbidden: User "system:serviceaccount:shop:${sa}" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "shop"`);
    await k(["create", "role", "-n", "shop", "debug", "--verb=patch", "--resource=pods/ephemeralcontainers"]);
    await k(["create", "rolebinding", "-n", "shop", "debug", "--role=debug", `--serviceaccount=shop:${sa}`]);
    const can = await k(["auth", "can-i", "patch", "pods/ephemeralcontainers", "-n", "shop", `--as=system:serviceaccount:shop:${sa}`]);
    expect(can.stdout.trim()).toBe("yes");
    const allowed = await call("PATCH", podUrl("shop", pod), patch, undefined, token);
    expect(allowed.status).toBe(200);
  });

  it("enforces the namespace's Pod Security level on the whole pod, with the admission plugin's message", async () => {
    await k(["create", "namespace", "psa"]);
    await k(["label", "namespace", "psa", "pod-security.kubernetes.io/enforce=baseline"]);
    const created = await call("POST", `${cluster.server}/api/v1/namespaces/psa/pods`, {
      metadata: { name: "app" },
      spec: { containers: [{ name: "app", image: "nginx", securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } } }] },
    }, "application/json");
    expect(created.status).toBe(201);
    await eventually(async () => (await call("GET", podUrl("psa", "app", ""))).json.status !== undefined && ((await call("GET", podUrl("psa", "app", ""))).json.status as { phase?: string }).phase === "Running");
    const netAdmin = { name: "net", image: "busybox", securityContext: { capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] }, runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } } };
    const refused = await call("PATCH", podUrl("psa", "app"), { spec: { ephemeralContainers: [netAdmin] } });
    expect(refused.status).toBe(403);
    expect(refused.json.message).toBe('pods "app" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "net" must not include "NET_ADMIN" in securityContext.capabilities.add)');
    const kill = { ...netAdmin, name: "kill", securityContext: { ...netAdmin.securityContext, capabilities: { add: ["KILL"], drop: ["ALL"] } } };
    expect((await call("PATCH", podUrl("psa", "app"), { spec: { ephemeralContainers: [kill] } })).status).toBe(200);
    await k(["label", "--overwrite", "namespace", "psa", "pod-security.kubernetes.io/enforce=restricted"]);
    const restricted = await call("PATCH", podUrl("psa", "app"), { spec: { ephemeralContainers: [kill, { name: "plain", image: "busybox" }] } });
    expect(restricted.status).toBe(403);
    expect(restricted.json.message).toBe(
      'pods "app" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "plain" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "plain" must set securityContext.capabilities.drop=["ALL"]; container "kill" must not include "KILL" in securityContext.capabilities.add), runAsNonRoot != true (container "kill" must not set securityContext.runAsNonRoot=false; pod or container "plain" must set securityContext.runAsNonRoot=true), runAsUser=0 (container "kill" must not set runAsUser=0), seccompProfile (pod or container "plain" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    await k(["label", "--overwrite", "namespace", "psa", "pod-security.kubernetes.io/enforce=privileged"]);
    expect((await call("PATCH", podUrl("psa", "app"), { spec: { ephemeralContainers: [kill, netAdmin] } })).status).toBe(200);
  });
});
