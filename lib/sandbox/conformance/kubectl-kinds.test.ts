import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KUBECTL_VERSIONS, KUBECTLS, kubectl, startHarness, type Harness } from "./harness";
import { raw } from "./raw";

// The kinds served beside the workloads (RBAC, PVCs, quotas, limit ranges, HPAs, network
// policies, ingresses, storage and priority classes): discovery, kubectl's commands for them,
// upstream's defaults and refusals.

const NEWEST = KUBECTL_VERSIONS.at(-1)?.bin ?? KUBECTLS[0]!;
const OLDEST = KUBECTL_VERSIONS[0]?.bin ?? KUBECTLS[0]!;

const MANIFESTS = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec:
  podSelector: {}
  egress: [{ports: [{port: 53}]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: frontend, port: {number: 80}}}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: shop}
spec:
  limits:
  - type: Container
    max: {cpu: "2"}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: example.com/fast
`;

let h: Harness;
let kc: string;
let server: string;
let token: string;
const k = (args: string[], stdin?: string, bin = NEWEST) => kubectl(bin, kc, args, stdin);

beforeAll(async () => {
  h = await startHarness();
  const c = await h.newCluster("demo");
  kc = c.kubeconfigPath;
  server = c.server;
  token = c.token;
});
afterAll(async () => {
  await h?.close();
});

describe("kinds beside the workloads", () => {
  it("are in discovery with upstream's groups and versions; an unknown resource is not", async () => {
    const r = await k(["api-resources", "-o", "name"]);
    for (const name of ["roles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io", "networkpolicies.networking.k8s.io", "ingresses.networking.k8s.io", "horizontalpodautoscalers.autoscaling", "storageclasses.storage.k8s.io", "priorityclasses.scheduling.k8s.io", "persistentvolumeclaims", "resourcequotas", "limitranges", "tokenreviews.authentication.k8s.io"])
      expect(r.stdout.split("\n")).toContain(name);
    const groups = await raw(`${server}/apis/autoscaling`, h.server.caPem, token, "GET");
    expect(groups.json).toMatchObject({ versions: [{ version: "v2" }, { version: "v1" }], preferredVersion: { version: "v2" } });
    const unknown = await k(["get", "foos"]);
    expect(unknown.stderr).toContain('the server doesn\'t have a resource type "foos"');
    const path = await raw(`${server}/api/v1/namespaces/default/foos`, h.server.caPem, token, "GET");
    expect([path.status, path.json.message]).toEqual([404, "the server could not find the requested resource"]);
  });

  it("applies them with upstream's defaults and prints them as kubectl get does", async () => {
    const applied = await k(["apply", "-f", "-"], MANIFESTS);
    expect(applied.stderr).toBe("");
    const pvc = JSON.parse((await k(["-n", "shop", "get", "pvc", "data", "-o", "json"])).stdout) as { spec: { volumeMode: string }; status: { phase?: string } };
    expect(pvc.spec.volumeMode).toBe("Filesystem");
    const np = JSON.parse((await k(["-n", "shop", "get", "netpol", "deny-all", "-o", "json"])).stdout) as { spec: { policyTypes: string[]; egress: { ports: { protocol: string }[] }[] } };
    expect(np.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(np.spec.egress[0]!.ports[0]!.protocol).toBe("TCP");
    const lr = JSON.parse((await k(["-n", "shop", "get", "limits", "limits", "-o", "json"])).stdout) as { spec: { limits: { default: unknown; defaultRequest: unknown }[] } };
    expect(lr.spec.limits[0]).toMatchObject({ default: { cpu: "2" }, defaultRequest: { cpu: "2" } });
    const sc = await k(["get", "sc", "fast"]);
    expect(sc.stdout).toMatch(/^fast\s+example\.com\/fast\s+Delete\s+Immediate\s+false\s+/m);
    expect((await k(["-n", "shop", "get", "ing", "web"])).stdout).toMatch(/^web\s+<none>\s+shop\.example\.com\s+80\s+/m);
    expect((await k(["get", "priorityclasses"])).stdout).toMatch(/^system-node-critical\s+2000001000\s+false\s+/m);
  });

  it("creates them with kubectl's generators (protobuf on newer kubectl) and autoscales through v1 and v2", async () => {
    for (const [bin, name] of [[OLDEST, "old"], [NEWEST, "new"]] as const) {
      expect((await k(["create", "priorityclass", `batch-${name}`, "--value=1000"], undefined, bin)).stderr).toBe("");
      expect((await k(["-n", "shop", "create", "quota", `q-${name}`, "--hard=pods=10"], undefined, bin)).stderr).toBe("");
      const hpa = await k(["-n", "shop", "autoscale", "deployment", "frontend", `--name=fe-${name}`, "--min=2", "--max=6", "--cpu-percent=70"], undefined, bin);
      expect(hpa.stdout).toContain(`horizontalpodautoscaler.autoscaling/fe-${name} autoscaled`);
    }
    const table = await k(["-n", "shop", "get", "hpa", "fe-old"]);
    expect(table.stdout).toMatch(/^fe-old\s+Deployment\/frontend\s+cpu: <unknown>\/70%\s+2\s+6\s+0\s+/m);
    const v1 = await raw(`${server}/apis/autoscaling/v1/namespaces/shop/horizontalpodautoscalers/fe-new`, h.server.caPem, token, "GET");
    expect(v1.json).toMatchObject({ apiVersion: "autoscaling/v1", spec: { minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 } });
    expect((await k(["get", "pc", "batch-old", "-o", "jsonpath={.preemptionPolicy}"])).stdout).toBe("PreemptLowerPriority");
  });

  it("refuses what a real server refuses, with every cause", async () => {
    const bad = await k(["apply", "-f", "-"], `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: bad, namespace: shop}\nspec: {}\n`);
    expect(bad.stderr).toContain("spec.accessModes: Required value: at least 1 access mode is required");
    expect(bad.stderr).toContain("spec.resources[storage]: Required value");
    const hpa = await k(["apply", "-f", "-"], `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: bad, namespace: shop}\nspec: {scaleTargetRef: {kind: Deployment, name: x}, minReplicas: 5, maxReplicas: 2}\n`);
    expect(hpa.stderr).toContain("spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`");
    const ing = await k(["apply", "-f", "-"], `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bad, namespace: shop}\nspec: {rules: [{http: {paths: [{path: /, backend: {service: {name: x, port: {number: 80}}}}]}}]}\n`);
    expect(ing.stderr).toContain("spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified");
    const sc = await k(["apply", "-f", "-"], `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: bad}\n`);
    expect(sc.stderr).toContain("provisioner: Required value");
  });
});
