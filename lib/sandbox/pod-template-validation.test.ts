import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KUBECTLS, kubectl, startHarness, type Harness } from "./conformance/harness";
import { findResource } from "./resources";
import type { KObject } from "./types";
import { validateObject } from "./validate";

// What upstream's ValidatePodSpec refuses in a workload's pod template, with its field paths and
// messages: through validateObject, and end to end through kubectl.

const DEPLOYMENT = findResource("apps", "v1", "deployments")!;
const STATEFULSET = findResource("apps", "v1", "statefulsets")!;

const deployment = (container: Record<string, unknown>, podSpec: Record<string, unknown> = {}): KObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "pystol", ...container }], ...podSpec } },
  },
});

/** The 422 message validateObject throws, or "" when the object is accepted. */
function refusal(t: typeof DEPLOYMENT, o: KObject): string {
  try {
    validateObject(t, o);
    return "";
  } catch (err) {
    return (err as Error).message;
  }
}

describe("pod template validation", () => {
  it("accepts a template that uses every checked field correctly", () => {
    expect(
      refusal(
        DEPLOYMENT,
        deployment(
          {
            ports: [{ name: "http", containerPort: 3000 }],
            env: [{ name: "A", value: "1" }, { name: "B", valueFrom: { secretKeyRef: { name: "s", key: "b" } } }],
            resources: { requests: { cpu: "250m", memory: "384Mi" }, limits: { cpu: "1", memory: "768Mi" } },
            readinessProbe: { httpGet: { path: "/api/health", port: "http" }, periodSeconds: 10 },
            livenessProbe: { exec: { command: ["true"] } },
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          },
          { volumes: [{ name: "tmp", emptyDir: {} }] },
        ),
      ),
    ).toBe("");
  });

  it("refuses a mount of a volume that is not there, and a mount path used twice", () => {
    expect(refusal(DEPLOYMENT, deployment({ volumeMounts: [{ name: "cache", mountPath: "/c" }, { name: "tmp", mountPath: "/c" }] }, { volumes: [{ name: "tmp", emptyDir: {} }] }))).toBe(
      'Deployment.apps "web" is invalid: [spec.template.spec.containers[0].volumeMounts[0].name: Not found: "cache", spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/c": must be unique]',
    );
  });

  it("refuses requests above limits", () => {
    expect(refusal(DEPLOYMENT, deployment({ resources: { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } } }))).toBe(
      'Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi',
    );
  });

  it("refuses probes without a handler, with two, with bad numbers, and a liveness success threshold other than 1", () => {
    expect(refusal(DEPLOYMENT, deployment({ readinessProbe: { periodSeconds: 5 } }))).toBe(
      'Deployment.apps "web" is invalid: spec.template.spec.containers[0].readinessProbe: Required value: must specify a handler type',
    );
    expect(refusal(DEPLOYMENT, deployment({ livenessProbe: { exec: { command: ["true"] }, httpGet: { path: "/", port: 80 }, periodSeconds: 0, successThreshold: 2 } }))).toBe(
      'Deployment.apps "web" is invalid: [spec.template.spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type, spec.template.spec.containers[0].livenessProbe.periodSeconds: Invalid value: 0: must be greater than or equal to 1, spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1]',
    );
    expect(refusal(DEPLOYMENT, deployment({ readinessProbe: { tcpSocket: { port: 70000 } } }))).toBe(
      'Deployment.apps "web" is invalid: spec.template.spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
  });

  it("refuses port names that are too long or repeated, and env vars with two sources", () => {
    expect(refusal(DEPLOYMENT, deployment({ ports: [{ name: "http", containerPort: 1 }, { name: "http", containerPort: 2 }, { name: "sandbox-admin-port", containerPort: 3 }] }))).toBe(
      'Deployment.apps "web" is invalid: [spec.template.spec.containers[0].ports[1].name: Duplicate value: "http", spec.template.spec.containers[0].ports[2].name: Invalid value: "sandbox-admin-port": must be no more than 15 characters]',
    );
    expect(refusal(DEPLOYMENT, deployment({ env: [{ name: "A", value: "x", valueFrom: { secretKeyRef: { name: "s", key: "a" }, configMapKeyRef: { name: "c", key: "a" } } }] }))).toBe(
      'Deployment.apps "web" is invalid: [spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty, spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time]',
    );
  });

  it("lets a StatefulSet's pods mount their claim templates, and checks the templates as claims", () => {
    const sts = (claim: Record<string, unknown>, extra: Record<string, unknown> = {}): KObject => ({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "shard", namespace: "default" },
      spec: {
        serviceName: "shard",
        selector: { matchLabels: { app: "shard" } },
        template: { metadata: { labels: { app: "shard" } }, spec: { containers: [{ name: "s", image: "pystol", volumeMounts: [{ name: "data", mountPath: "/data" }] }] } },
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: claim }],
        ...extra,
      },
    });
    expect(refusal(STATEFULSET, sts({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }))).toBe("");
    expect(refusal(STATEFULSET, sts({ resources: {} }, { podManagementPolicy: "AllAtOnce" }))).toBe(
      'StatefulSet.apps "shard" is invalid: [spec.podManagementPolicy: Unsupported value: "AllAtOnce": supported values: "OrderedReady", "Parallel", spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required, spec.volumeClaimTemplates[0].spec.resources[storage]: Required value]',
    );
  });
});

describe("through kubectl", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it("answers a server-side dry run of a bad template with upstream's 422", async () => {
    const c = await h.newCluster("empty");
    const bad = deployment({ volumeMounts: [{ name: "cache", mountPath: "/app/.next/cache" }] });
    const r = await kubectl(KUBECTLS.at(-1)!, c.kubeconfigPath, ["apply", "--server-side", "--dry-run=server", "-f", "-"], JSON.stringify(bad));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Deployment "web" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "cache"');
  });
});
