import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { writeFileSync } from "node:fs";
import type http from "node:http";
import https from "node:https";
import path from "node:path";
import { KUBECTLS, KUBECTL_VERSIONS, eventually, kubectl, startHarness, type Harness } from "@/lib/sandbox/conformance/harness";
import { serverPort, startHealthServer } from "@/lib/queue/consumer";
import { checkConsistency, imageName, machineLocalDefaults, webRouteExists, type PathCheck } from "./consistency";
import { allowed, type Endpoint } from "./network";
import { OVERLAYS, parseObjects, renderOverlay, type KubeObject, type Overlay } from "./manifests";

// deploy/kubernetes: each overlay renders with kubectl's kustomize, is accepted by a server-side
// dry run and then applied for real to a sandbox cluster (whose controllers then run it), and
// agrees with the app's own configuration (commands, image, settings, ports, probe paths).

const KUBECTL = "/usr/bin/kubectl";
const rendered = new Map<Overlay, { text: string; objects: KubeObject[] }>();

// What an operator creates before applying the production overlay (its kustomization says so).
const PRODUCTION_SECRET: KubeObject = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "pystol-secrets", namespace: "pystol" },
  stringData: {
    DATABASE_URL: "postgresql://pystol:secret@db.example.com:5432/pystol?sslmode=require",
    REDIS_URL: "rediss://:secret@redis.example.com:6380",
    NEXTAUTH_SECRET: "x".repeat(44),
    PYSTOL_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
    SANDBOX_ADMIN_TOKEN: "a".repeat(64),
    PYSTOL_METRICS_TOKEN: "m".repeat(48),
  },
};
const external = (overlay: Overlay) => (overlay === "production" ? [PRODUCTION_SECRET] : []);

let h: Harness;
let redis: Redis;
let workerHealth: http.Server;
const METRICS_TOKEN = "m".repeat(48);

/**
 * Asks the real processes' servers whether they serve a probe's path: the sandbox's admin
 * listener (started in-process by the harness), the worker's health server (started here on a
 * real Redis, as the worker starts it), and the web app's route files.
 */
const pathExists: PathCheck = async (r) => {
  if (r.role === "web") return webRouteExists(r.path);
  let base: string;
  if (r.role === "sandbox") {
    // The manifests' admin port (6444) answers plain HTTP; the cluster API (6443) answers TLS
    // with the sandbox's own CA, which a kubelet's HTTPS probe does not verify either.
    if (r.port !== 6444) return httpsStatus(h.server.apiUrl + r.path).then((code) => code === 200);
    base = h.server.adminUrl;
  } else if (r.role === "worker") base = `http://127.0.0.1:${serverPort(workerHealth)}`;
  else return false;
  const res = await fetch(base + r.path, { headers: r.bearer ? { authorization: `Bearer ${METRICS_TOKEN}` } : {} });
  return res.status === 200;
};

function httpsStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on("error", () => resolve(0));
  });
}

beforeAll(async () => {
  for (const overlay of OVERLAYS) {
    const text = await renderOverlay(overlay, KUBECTL);
    rendered.set(overlay, { text, objects: parseObjects(text) });
  }
  h = await startHarness();
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1, lazyConnect: false });
  // As workers/worker.ts starts it in a container: every address, token required.
  workerHealth = await startHealthServer(0, redis, "0.0.0.0", METRICS_TOKEN);
});

afterAll(async () => {
  workerHealth?.close();
  await redis?.quit().catch(() => undefined);
  await h?.close();
});

describe.each(OVERLAYS)("the %s overlay", (overlay) => {
  const objects = () => rendered.get(overlay)!.objects;

  it("renders the same with the oldest and newest kubectl", async () => {
    for (const bin of [KUBECTL_VERSIONS[0]?.bin, KUBECTL_VERSIONS.at(-1)?.bin].filter((b): b is string => !!b)) {
      expect(parseObjects(await renderOverlay(overlay, bin))).toEqual(objects());
    }
  });

  it("holds every piece the deployment needs", () => {
    const kinds = objects().map((o) => `${o.kind}/${o.metadata.name}`);
    for (const want of [
      "Deployment/pystol-web",
      "Service/pystol-web",
      "HorizontalPodAutoscaler/pystol-web",
      "PodDisruptionBudget/pystol-web",
      "Deployment/pystol-worker",
      "HorizontalPodAutoscaler/pystol-worker",
      "PodDisruptionBudget/pystol-worker",
      "StatefulSet/pystol-sandbox",
      "Service/pystol-sandbox",
      "Job/pystol-migrate",
      "ConfigMap/pystol-config",
      "NetworkPolicy/pystol-default-deny",
    ])
      expect(kinds).toContain(want);
    // Production has no secret of its own in the repository; the demo brings its databases.
    expect(kinds.some((k) => k.startsWith("Secret/"))).toBe(overlay === "demo");
    expect(kinds.includes("StatefulSet/pystol-postgres")).toBe(overlay === "demo");
  });

  it("runs non-root, read-only, with no service-account token and with limits", () => {
    for (const o of objects().filter((x) => ["Deployment", "StatefulSet", "Job"].includes(x.kind))) {
      const pod = (o as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot, `${o.kind} ${o.metadata.name}`).toBe(true);
      expect(pod.automountServiceAccountToken, `${o.kind} ${o.metadata.name}`).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext?.readOnlyRootFilesystem, `${o.metadata.name}/${c.name}`).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, `${o.metadata.name}/${c.name}`).toBe(false);
        expect(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory, `${o.metadata.name}/${c.name}`).toBeTruthy();
      }
    }
    for (const sa of objects().filter((x) => x.kind === "ServiceAccount")) expect((sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken).toBe(false);
  });

  it("lets only the web port in from outside, and the sandbox only from web and workers", () => {
    const o = objects();
    const pod = (component: string): Endpoint => {
      const w = o.find((x) => ["Deployment", "StatefulSet", "Job"].includes(x.kind) && x.metadata.labels?.["app.kubernetes.io/component"] === component);
      const labels = (w as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } } | undefined)?.spec?.template?.metadata?.labels;
      if (!labels) throw new Error(`no ${component} workload`);
      return { pod: labels };
    };
    const [web, worker, sandbox, migrate] = ["web", "worker", "sandbox", "migrate"].map(pod) as [Endpoint, Endpoint, Endpoint, Endpoint];
    expect(allowed(o, "outside", web, 3000)).toBe(true);
    expect(allowed(o, "outside", web, 9229)).toBe(false);
    for (const port of [9464]) expect(allowed(o, "outside", worker, port)).toBe(false);
    for (const port of [6443, 6444]) {
      expect(allowed(o, "outside", sandbox, port)).toBe(false);
      expect(allowed(o, web, sandbox, port)).toBe(true);
      expect(allowed(o, worker, sandbox, port)).toBe(true);
      expect(allowed(o, migrate, sandbox, port)).toBe(false);
    }
    // Out: DNS for all; databases for web, workers and the migration; clusters' APIs for web and
    // workers; nothing else for the sandbox and the migration.
    for (const p of [web, worker, sandbox, migrate]) expect(allowed(o, p, "outside", 53, "UDP")).toBe(true);
    for (const p of [web, worker, migrate]) expect(allowed(o, p, "outside", 5432)).toBe(true);
    for (const p of [web, worker]) expect(allowed(o, p, "outside", 443)).toBe(true);
    expect(allowed(o, sandbox, "outside", 443)).toBe(false);
    expect(allowed(o, sandbox, "outside", 5432)).toBe(false);
    expect(allowed(o, migrate, "outside", 443)).toBe(false);
    if (overlay === "demo") {
      const [postgres, redis] = ["postgres", "redis"].map(pod) as [Endpoint, Endpoint];
      expect(allowed(o, "outside", postgres, 5432)).toBe(false);
      expect(allowed(o, "outside", redis, 6379)).toBe(false);
      for (const p of [web, worker, migrate]) expect(allowed(o, p, postgres, 5432)).toBe(true);
      for (const p of [web, worker]) expect(allowed(o, p, redis, 6379)).toBe(true);
      expect(allowed(o, sandbox, postgres, 5432)).toBe(false);
      expect(allowed(o, migrate, redis, 6379)).toBe(false);
    }
  });

  it("agrees with the app's configuration", async () => {
    expect(await checkConsistency(objects(), { external: external(overlay), pathExists })).toEqual([]);
  });

  it("is accepted by a server-side dry run, then applied for real to a sandbox cluster", async () => {
    // Three nodes and nothing else, so that the pods have somewhere to run.
    const c = await h.admin.createCluster({ seed: { nodes: 3, pods: 0 } });
    const kubeconfigPath = path.join(h.dir, `kc-${overlay}.yaml`);
    writeFileSync(kubeconfigPath, c.kubeconfig, { mode: 0o600 });
    const k = (args: string[], stdin?: string) => kubectl(KUBECTL, kubeconfigPath, args, stdin);
    const text = rendered.get(overlay)!.text;
    const ns = overlay === "production" ? "pystol" : "pystol-demo";
    // A dry run stores nothing, so the objects inside a namespace need it to exist already,
    // on a real API server as here (NotFound otherwise): it comes first, as the README says.
    expect((await k(["create", "namespace", ns])).code).toBe(0);
    if (overlay === "production") expect((await k(["apply", "-f", "-"], JSON.stringify(PRODUCTION_SECRET))).code).toBe(0);

    const dry = await k(["apply", "--server-side", "--dry-run=server", "-f", "-"], text);
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/deployment\.apps\/pystol-web serverside-applied \(server dry run\)/);
    // A dry run stores nothing.
    expect((await k(["get", "deployments", "-n", ns, "-o", "name"])).stdout.trim()).toBe("");

    const applied = await k(["apply", "--server-side", "-f", "-"], text);
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    const stored = await k(["get", "-f", "-", "-o", "name"], text);
    expect(stored.stderr).toBe("");
    expect(stored.stdout.trim().split("\n")).toHaveLength(objects().length);
    // Applying again changes nothing and is not refused.
    const again = await k(["apply", "--server-side", "-f", "-"], text);
    expect(again.code).toBe(0);

    // The cluster's controllers run what was applied: the web Deployment's pods become ready
    // (the sandbox has no kubelet; readiness is simulated), the migration Job completes.
    await eventually(async () => {
      const r = await k(["get", "deployment", "pystol-web", "-n", ns, "-o", "jsonpath={.status.availableReplicas}"]);
      return Number(r.stdout) >= 1;
    }, 300, 200);
    await eventually(async () => {
      const r = await k(["get", "job", "pystol-migrate", "-n", ns, "-o", "jsonpath={.status.succeeded}"]);
      return r.stdout === "1";
    }, 300, 200);
    // Each sandbox shard gets a claim of its own from the volumeClaimTemplate.
    await eventually(async () => (await k(["get", "pvc", "data-pystol-sandbox-0", "-n", ns, "-o", "name"])).code === 0, 300, 200);
  }, 300_000);
});

interface PodSpec {
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean };
  containers: { name: string; securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean }; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
}

describe("the consistency check", () => {
  // Each disagreement the check is there to catch, made on purpose in a copy of the demo.
  const demo = () => structuredClone(rendered.get("demo")!.objects);
  const deployment = (objects: KubeObject[], name: string) =>
    (objects.find((o) => o.kind === "Deployment" && o.metadata.name === name) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[]; terminationGracePeriodSeconds?: number } } } }).spec.template.spec;
  const check = (objects: KubeObject[]) => checkConsistency(objects, { pathExists });

  it("derives the variables a deployment must set from the settings' schemas", () => {
    expect(machineLocalDefaults("web")).toEqual(["DATABASE_URL", "MAIL_FROM", "NEXTAUTH_URL", "REDIS_URL", "SANDBOX_ADMIN_URL"]);
    expect(machineLocalDefaults("worker")).toContain("WORKER_HEALTH_HOST");
    expect(machineLocalDefaults("sandbox")).toEqual(["SANDBOX_HOST"]);
    expect(imageName("registry.example.com:5000/pystol/pystol:0.1.0")).toBe("pystol");
    expect(imageName("pystol@sha256:abc")).toBe("pystol");
  });

  it("fails when a variable the app requires is set by no manifest", async () => {
    const objects = demo().map((o) => {
      if (o.kind !== "ConfigMap") return o;
      const data = { ...(o as unknown as { data: Record<string, string> }).data };
      delete data.NEXTAUTH_URL;
      return { ...o, data };
    });
    const web = deployment(objects, "pystol-web");
    web.containers[0]!.env = (web.containers[0]!.env as { name: string }[]).filter((e) => e.name !== "NEXTAUTH_SECRET" && e.name !== "REDIS_URL");
    const found = await check(objects);
    expect(found).toContain("Deployment pystol-web, container web: NEXTAUTH_URL is not set, and its default (http://localhost:3000) only works on one machine");
    expect(found).toContain("Deployment pystol-web, container web: REDIS_URL is not set, and its default (redis://127.0.0.1:6379) only works on one machine");
    expect(found).toContain("Deployment pystol-web, container web: NEXTAUTH_SECRET is not set (required in production)");
  });

  it("fails when a value is one the app refuses, or a reference points nowhere", async () => {
    const objects = demo();
    const worker = deployment(objects, "pystol-worker");
    const env = worker.containers[0]!.env as { name: string; value?: string; valueFrom?: unknown }[];
    env.find((e) => e.name === "WORKER_SHUTDOWN_GRACE_MS")!.value = "soon";
    env.push({ name: "PYSTOL_ENCRYPTION_KEY_ID", value: "k9" });
    env.push({ name: "GITHUB_ID", valueFrom: { secretKeyRef: { name: "nowhere", key: "GITHUB_ID" } } });
    const found = await check(objects);
    expect(found).toContain("Deployment pystol-worker, container worker: WORKER_SHUTDOWN_GRACE_MS: Enter a number.");
    expect(found).toContain('Deployment pystol-worker, container worker: PYSTOL_ENCRYPTION_KEY_ID "k9" is not in PYSTOL_ENCRYPTION_KEYS');
    expect(found).toContain('Deployment pystol-worker, container worker: GITHUB_ID refers to Secret "nowhere" key "GITHUB_ID", which does not exist');
  });

  it("fails when a container port differs from the port the process listens on", async () => {
    const objects = demo();
    const web = deployment(objects, "pystol-web");
    web.containers[0]!.ports = [{ name: "http", containerPort: 8080, protocol: "TCP" }];
    const found = await check(objects);
    expect(found).toContain("Deployment pystol-web, container web: declares port 8080, but the process listens on 3000");
    expect(found).toContain("Deployment pystol-web, container web: the process listens on 3000, which the container does not declare");
    expect(found).toContain("Deployment pystol-web, container web: readinessProbe asks port 8080, where the process does not listen");
    expect(found).toContain("Service pystol-web: port 80 goes to http, where pystol-web does not listen");
  });

  it("fails when a probe asks for a path the process does not serve", async () => {
    const objects = demo();
    const web = deployment(objects, "pystol-web");
    (web.containers[0]!.readinessProbe as { httpGet: { path: string } }).httpGet.path = "/api/healthz";
    const worker = deployment(objects, "pystol-worker");
    const live = worker.containers[0]!.livenessProbe as { exec: { command: string[] } };
    live.exec.command = live.exec.command.map((s) => s.replace("/healthz", "/health"));
    const sts = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "pystol-sandbox") as unknown as { spec: { template: { spec: { containers: { readinessProbe: { httpGet: { path: string } } }[] } } } };
    sts.spec.template.spec.containers[0]!.readinessProbe.httpGet.path = "/ready";
    const found = await check(objects);
    expect(found).toContain("Deployment pystol-web, container web: readinessProbe asks for /api/healthz, which the web process does not serve");
    expect(found).toContain("Deployment pystol-worker, container worker: livenessProbe asks for /health, which the worker process does not serve");
    expect(found).toContain("StatefulSet pystol-sandbox, container sandbox: readinessProbe asks for /ready, which the sandbox process does not serve");
  });

  it("fails on an image or command that is not Pystol's, and on a sandbox address or grace period that does not fit", async () => {
    const objects = demo();
    deployment(objects, "pystol-web").containers[0]!.image = "pystal:0.1.0";
    const worker = deployment(objects, "pystol-worker");
    worker.containers[0]!.command = ["node", "--import", "tsx", "workers/wroker.ts"];
    worker.terminationGracePeriodSeconds = 30;
    const config = objects.find((o) => o.kind === "ConfigMap") as unknown as { data: Record<string, string> };
    config.data.SANDBOX_ADMIN_URL = "http://pystol-sandbox-0.pystol-sandbox:6443";
    const found = await check(objects);
    expect(found).toContain('Deployment pystol-web, container web: image "pystal:0.1.0" is not the Pystol image ("pystol", as in docker-compose.yml)');
    expect(found).toContain('Deployment pystol-worker, container worker: runs ["node","--import","tsx","workers/wroker.ts"], which is none of the commands of docker-compose.yml');
    expect(found).toContain("no workload runs the worker process");
    expect(found).toContain("Deployment pystol-web: SANDBOX_ADMIN_URL uses port 6443, the sandbox's admin interface listens on 6444");
  });

  it("fails when the worker is killed before its grace period ends", async () => {
    const objects = demo();
    deployment(objects, "pystol-worker").terminationGracePeriodSeconds = 30;
    expect(await check(objects)).toEqual([
      "Deployment pystol-worker: terminationGracePeriodSeconds 30 does not cover WORKER_SHUTDOWN_GRACE_MS (25000 ms) and the 10 s hand-back",
    ]);
  });

  it("reaches the real servers for the probe paths it accepts", async () => {
    expect(await pathExists({ role: "worker", port: 9464, path: "/healthz", bearer: METRICS_TOKEN })).toBe(true);
    expect(await pathExists({ role: "worker", port: 9464, path: "/nothing" })).toBe(false);
    expect(await pathExists({ role: "sandbox", port: 6444, path: "/healthz" })).toBe(true);
    // The cluster API answers health only under a cluster's path, with its token.
    expect(await pathExists({ role: "sandbox", port: 6443, path: "/healthz" })).toBe(false);
    expect(webRouteExists("/api/health")).toBe(true);
    expect(webRouteExists("/api/nothing")).toBe(false);
    expect(KUBECTLS.length).toBeGreaterThan(0);
  });
});
