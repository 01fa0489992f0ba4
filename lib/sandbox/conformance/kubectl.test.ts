import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, KUBECTLS, kubectl, startHarness, type Harness } from "./harness";

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
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
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: default
data:
  a: "1"
`;

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: hello
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: hello
        image: busybox
        command: ["sh", "-c", "echo hello from job; exit 0"]
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe.each(KUBECTLS)("kubectl %s against the sandbox", (bin) => {
  let kc: string;
  const k = (args: string[], stdin?: string) => kubectl(bin, kc, args, stdin);
  beforeAll(async () => {
    kc = (await h.newCluster("demo")).kubeconfigPath;
  });

  it("resolves short names and categories: get po, no, deploy, all", async () => {
    const po = await k(["get", "po", "-A"]);
    expect(po.code).toBe(0);
    expect(po.stdout).toMatch(/NAMESPACE\s+NAME\s+READY\s+STATUS/);
    expect(po.stdout).toMatch(/shop\s+frontend-\S+\s+1\/1\s+Running/);
    const no = await k(["get", "no"]);
    expect(no.stdout).toMatch(/general-a-1\s+Ready/);
    const deploy = await k(["get", "deploy", "-n", "shop"]);
    expect(deploy.stdout).toMatch(/frontend\s+3\/3/);
    const all = await k(["get", "all", "-n", "shop"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("deployment.apps/checkout");
    expect(all.stdout).toContain("service/frontend");
    expect(all.stdout).toContain("replicaset.apps/");
  });

  it("lists everything as JSON and describes pods and nodes", async () => {
    const json = await k(["get", "pods", "-A", "-o", "json"]);
    const list = JSON.parse(json.stdout) as { items: { metadata: { namespace: string } }[] };
    expect(list.items.length).toBeGreaterThan(20);
    const pod = await k(["describe", "pod", "-n", "shop", "-l", "app=frontend"]);
    expect(pod.code).toBe(0);
    expect(pod.stdout).toContain("Controlled By:  ReplicaSet/frontend-");
    const node = await k(["describe", "node", "general-a-1"]);
    expect(node.code).toBe(0);
    expect(node.stdout).toContain("topology.kubernetes.io/zone=zone-a");
    expect(node.stdout).toContain("Non-terminated Pods:");
  });

  it("creates, applies, scales, labels, rolls out and deletes", async () => {
    expect((await k(["create", "-f", "-"], MANIFEST)).stdout).toContain("deployment.apps/web created");
    expect((await k(["apply", "-f", "-"], MANIFEST)).code).toBe(0);
    const changed = MANIFEST.replace("replicas: 2", "replicas: 3").replace("nginx:1.25", "nginx:1.26");
    expect((await k(["apply", "-f", "-"], changed)).stdout).toContain("deployment.apps/web configured");
    const rollout = await k(["rollout", "status", "deployment/web", "--timeout=30s"]);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
    const img = await k(["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.status.availableReplicas}"]);
    expect(img.stdout).toBe("nginx:1.26 3");
    expect((await k(["scale", "deployment", "web", "--replicas=1"])).stdout).toContain("scaled");
    await eventually(async () => (await k(["get", "pods", "-l", "app=web", "-o", "name"])).stdout.trim().split("\n").length === 1);
    expect((await k(["label", "deployment", "web", "tier=edge"])).stdout).toContain("labeled");
    expect((await k(["get", "deploy", "-l", "tier=edge", "-o", "name"])).stdout.trim()).toBe("deployment.apps/web");
    expect((await k(["get", "deploy", "-l", "tier notin (edge)", "-o", "name"])).stdout).not.toContain("web");
    const del = await k(["delete", "-f", "-"], MANIFEST);
    expect(del.stdout).toContain('deployment.apps "web" deleted');
    await eventually(async () => (await k(["get", "pods", "-l", "app=web", "-o", "name"])).stdout.trim() === "");
  });

  it("cordons, uncordons and drains, honouring PodDisruptionBudgets", async () => {
    expect((await k(["cordon", "general-a-1"])).stdout).toContain("cordoned");
    expect((await k(["get", "node", "general-a-1"])).stdout).toContain("SchedulingDisabled");
    expect((await k(["uncordon", "general-a-1"])).stdout).toContain("uncordoned");
    // checkout has minAvailable 2 with 2 replicas: a drain of its node cannot finish.
    const node = (await k(["get", "pods", "-n", "shop", "-l", "app=checkout", "-o", "jsonpath={.items[0].spec.nodeName}"])).stdout;
    const blocked = await k(["drain", node, "--ignore-daemonsets", "--timeout=6s"]);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr + blocked.stdout).toMatch(/disruption budget|global timeout/);
    await k(["uncordon", node]);
    // A node without checkout pods drains completely.
    const nodes = (await k(["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"])).stdout.split(" ");
    const checkoutNodes = (await k(["get", "pods", "-n", "shop", "-l", "app=checkout", "-o", "jsonpath={.items[*].spec.nodeName}"])).stdout.split(" ");
    const free = nodes.find((n) => !checkoutNodes.includes(n) && n.startsWith("general"))!;
    const drained = await k(["drain", free, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s"]);
    expect(drained.code).toBe(0);
    expect(drained.stdout).toContain(`node/${free} drained`);
    const left = await k(["get", "pods", "-A", "--field-selector", `spec.nodeName=${free}`, "-o", "jsonpath={.items[*].metadata.ownerReferences[0].kind}"]);
    expect(left.stdout.split(" ").filter((x) => x && x !== "DaemonSet")).toEqual([]);
    await k(["uncordon", free]);
  });

  it("shows logs, job output and metrics", async () => {
    const logs = await k(["logs", "-n", "shop", "deploy/frontend"]);
    expect(logs.stdout).toContain("starting frontend");
    expect((await k(["create", "-f", "-"], JOB)).code).toBe(0);
    await eventually(async () => (await k(["get", "job", "hello", "-o", "jsonpath={.status.succeeded}"])).stdout === "1");
    expect((await k(["logs", "job/hello"])).stdout).toContain("hello from job");
    const top = await k(["top", "nodes"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/general-a-1\s+\d+m\s+\d+%/);
    const topPods = await k(["top", "pods", "-n", "shop"]);
    expect(topPods.stdout).toMatch(/frontend-\S+\s+\d+m\s+\d+Mi/);
  });

  it("runs the imperative generators (protobuf bodies on newer kubectl)", async () => {
    expect((await k(["create", "namespace", "team-a"])).stdout).toContain("namespace/team-a created");
    expect((await k(["-n", "team-a", "create", "configmap", "c1", "--from-literal=a=1"])).code).toBe(0);
    expect((await k(["-n", "team-a", "get", "cm", "c1", "-o", "jsonpath={.data.a}"])).stdout).toBe("1");
    expect((await k(["-n", "team-a", "create", "secret", "generic", "s1", "--from-literal=pw=x"])).code).toBe(0);
    expect((await k(["-n", "team-a", "get", "secret", "s1", "-o", "jsonpath={.data.pw}"])).stdout).toBe("eA==");
    expect((await k(["-n", "team-a", "create", "deployment", "api", "--image=nginx:1.25", "--replicas=2"])).code).toBe(0);
    expect((await k(["-n", "team-a", "expose", "deployment", "api", "--port=80"])).code).toBe(0);
    expect((await k(["-n", "team-a", "run", "one", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo run-output"])).code).toBe(0);
    expect((await k(["-n", "team-a", "rollout", "status", "deployment/api", "--timeout=30s"])).stdout).toContain("successfully rolled out");
    await eventually(async () => (await k(["-n", "team-a", "get", "pod", "one", "-o", "jsonpath={.status.phase}"])).stdout === "Running");
    expect((await k(["-n", "team-a", "logs", "one"])).stdout).toContain("run-output");
    expect((await k(["-n", "team-a", "get", "endpoints", "api", "-o", "jsonpath={.subsets[0].addresses[*].ip}"])).stdout.split(" ")).toHaveLength(2);
    expect((await k(["delete", "namespace", "team-a", "--wait=true", "--timeout=30s"])).code).toBe(0);
    expect((await k(["get", "namespace", "team-a"])).code).not.toBe(0);
  });

  it("returns Kubernetes errors", async () => {
    const nf = await k(["get", "pod", "nope"]);
    expect(nf.code).not.toBe(0);
    expect(nf.stderr).toContain('pods "nope" not found');
    expect((await k(["get", "foo"])).stderr).toContain('the server doesn\'t have a resource type "foo"');
    const dup = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  a: "1"\n`;
    expect((await k(["create", "-f", "-"], dup)).code).toBe(0);
    expect((await k(["create", "-f", "-"], dup)).stderr).toMatch(/AlreadyExists|already exists/);
    expect((await k(["create", "-f", "-"], "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad_Name\n")).stderr).toMatch(/is invalid: metadata.name/);
    expect((await k(["delete", "ns", "default"])).stderr).toContain("Forbidden");
    expect((await k(["auth", "can-i", "delete", "pods"])).stdout.trim()).toBe("yes");
    expect((await k(["-n", "shop", "exec", "deploy/cart", "--", "ls"])).stderr).toContain("runs no containers");
    const cm = (await k(["get", "cm", "dup", "-o", "json"])).stdout;
    await k(["label", "cm", "dup", "x=1"]);
    const stale = await k(["replace", "-f", "-"], cm);
    expect(stale.stderr).toContain("the object has been modified");
  });

  it("get deploy -o wide shows containers, images and the selector", async () => {
    const wide = await k(["get", "deploy", "-n", "shop", "-o", "wide"]);
    expect(wide.code, wide.stderr).toBe(0);
    expect(wide.stdout).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/);
    const image = (await k(["get", "deploy", "frontend", "-n", "shop", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).stdout;
    expect(wide.stdout).toMatch(new RegExp(`frontend\\s+3/3\\s+3\\s+3\\s+\\S+\\s+frontend\\s+${image.replace(/[.]/g, "\\.")}\\s+app=frontend`));
  });

  it("deletes in the foreground: dependents first, then the deployment; orphaning keeps them", async () => {
    const ns = `cascade-${KUBECTLS.indexOf(bin)}`;
    expect((await k(["create", "namespace", ns])).code).toBe(0);
    for (const name of ["fg", "orph"]) {
      expect((await k(["-n", ns, "create", "deployment", name, "--image=nginx:1.25", "--replicas=2"])).code).toBe(0);
      expect((await k(["-n", ns, "rollout", "status", `deployment/${name}`, "--timeout=30s"])).stdout).toContain("successfully rolled out");
    }
    const fg = await k(["-n", ns, "delete", "deployment", "fg", "--cascade=foreground"]);
    expect(fg.code, fg.stderr).toBe(0);
    expect(fg.stdout).toContain('deployment.apps "fg" deleted');
    // kubectl waited until the deployment was gone, which the finalizer held until its ReplicaSet and pods were.
    expect((await k(["-n", ns, "get", "deployment", "fg"])).stderr).toContain('deployments.apps "fg" not found');
    expect((await k(["-n", ns, "get", "rs,pods", "-l", "app=fg", "-o", "name"])).stdout.trim()).toBe("");

    const orph = await k(["-n", ns, "delete", "deployment", "orph", "--cascade=orphan"]);
    expect(orph.code, orph.stderr).toBe(0);
    expect((await k(["-n", ns, "get", "deployment", "orph"])).code).not.toBe(0);
    const rs = await k(["-n", ns, "get", "rs", "-l", "app=orph", "-o", "jsonpath={.items[*].metadata.ownerReferences}"]);
    expect(rs.code).toBe(0);
    expect(rs.stdout.trim()).toBe("");
    expect((await k(["-n", ns, "get", "rs", "-l", "app=orph", "-o", "name"])).stdout.trim()).not.toBe("");
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
