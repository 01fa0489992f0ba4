import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { sandboxAdminEnvSchema } from "@/lib/clusters/sandbox-admin";
import { keyRingFromEnv } from "@/lib/crypto";
import { envSchema, parseEnv } from "@/lib/env";
import { workerEnvSchema } from "@/lib/queue/worker-settings";
import { sandboxEnvSchema, sandboxSettings } from "@/lib/sandbox/settings";
import { containersOf, portNumber, resolveEnv, serviceNameOf, type Container, type KubeObject, type PlacedContainer, type Probe } from "./manifests";

// Where the Kubernetes manifests and the app's own configuration must agree: which process a
// container runs (the commands of docker-compose.yml), the image, the variables each process's
// settings require, the ports it listens on, the paths its probes ask for, and the addresses
// the processes use to find each other. Each disagreement is one sentence naming the object.

const ROOT = path.resolve(import.meta.dirname, "../..");

export type Role = "web" | "worker" | "sandbox" | "migrate";
const ROLES: Role[] = ["web", "worker", "sandbox", "migrate"];

const composeFile = z.object({
  services: z.record(z.string(), z.object({ image: z.string().optional(), command: z.array(z.string()).optional() }).loose()),
});

/** The process commands and image name of docker-compose.yml, the reference the manifests follow. */
export function composeReference(file = path.join(ROOT, "docker-compose.yml")) {
  const compose = composeFile.parse(parseYaml(readFileSync(file, "utf8"), { merge: true }));
  const commands = new Map<Role, string[]>();
  for (const role of ROLES) {
    const cmd = compose.services[role]?.command;
    if (!cmd) throw new Error(`docker-compose.yml has no command for the ${role} service`);
    commands.set(role, cmd);
  }
  const image = compose.services.web?.image;
  if (!image) throw new Error("docker-compose.yml names no image for the web service");
  return { commands, imageName: imageName(image) };
}

/** The repository's last path segment of an image reference: registry.example.com/pystol/pystol:1.0 → pystol. */
export function imageName(ref: string): string {
  const noDigest = ref.split("@")[0]!;
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  const repo = colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
  return repo.slice(repo.lastIndexOf("/") + 1);
}

/** The settings schemas each process validates at start (lib/env and the process's own). */
const SCHEMAS: Record<Role, z.ZodObject[]> = {
  web: [envSchema, sandboxAdminEnvSchema],
  worker: [envSchema, workerEnvSchema, sandboxAdminEnvSchema],
  sandbox: [sandboxEnvSchema],
  migrate: [],
};

/**
 * Variables whose default only makes sense on a developer's machine (a loopback address or
 * localhost): a deployment must set them. Derived from the schemas' own defaults.
 */
export function machineLocalDefaults(role: Role): string[] {
  const out = new Set<string>();
  for (const schema of SCHEMAS[role])
    for (const [key, field] of Object.entries(schema.shape)) {
      const d = (field as z.ZodType).safeParse(undefined);
      if (d.success && typeof d.data === "string" && /127\.0\.0\.1|localhost|\[::1\]/.test(d.data)) out.add(key);
    }
  // The migration reads DATABASE_URL with the same local default (prisma/migrate.ts).
  if (role === "migrate") out.add("DATABASE_URL");
  return [...out].sort();
}

/** The ports a process listens on, from its command line and settings. */
export function listeningPorts(role: Role, c: Container, env: Record<string, string>): number[] {
  switch (role) {
    case "web": {
      const argv = [...c.command, ...c.args];
      const i = argv.findIndex((a) => a === "-p" || a === "--port");
      const text = i >= 0 ? argv[i + 1] : (env.PORT ?? "3000");
      return [Number(text)];
    }
    case "worker":
      return [parseEnv(env).WORKER_HEALTH_PORT];
    case "sandbox": {
      const s = sandboxSettings(env as NodeJS.ProcessEnv);
      return [s.port, s.adminPort];
    }
    case "migrate":
      return [];
  }
}

/** A request a probe makes: to which port of the process and which path. */
export interface ProbeRequest {
  role: Role;
  port: number;
  path: string;
  /** Headers the probe sends (an exec probe's bearer token, from the environment). */
  bearer?: string;
}

/** Whether the process answers a path; the test asks the real servers, `webRouteExists` the route files. */
export type PathCheck = (request: ProbeRequest) => Promise<boolean>;

/** Whether an App Router route file with a GET handler serves a path (no dynamic segments). */
export function webRouteExists(urlPath: string): boolean {
  const file = path.join(ROOT, "app", ...urlPath.split("?")[0]!.split("/").filter(Boolean), "route.ts");
  if (!existsSync(file)) return false;
  return /export\s+(async\s+)?function\s+GET\b|export\s+const\s+GET\b|export\s*\{[^}]*\bGET\b/.test(readFileSync(file, "utf8"));
}

/** The requests a probe makes: an httpGet, or the URLs a `node -e` exec probe fetches. */
export function probeRequests(role: Role, c: Container, p: Probe, env: Record<string, string>): { requests: ProbeRequest[]; problems: string[] } {
  const problems: string[] = [];
  const requests: ProbeRequest[] = [];
  if (p.httpGet) {
    const port = portNumber(c, p.httpGet.port);
    if (port === undefined) problems.push(`probe port "${p.httpGet.port}" is not a port of the container`);
    else requests.push({ role, port, path: p.httpGet.path });
  } else if (p.tcpSocket) {
    const port = portNumber(c, p.tcpSocket.port);
    if (port === undefined) problems.push(`probe port "${p.tcpSocket.port}" is not a port of the container`);
    else requests.push({ role, port, path: "" });
  } else if (p.exec) {
    const text = p.exec.command.join(" ");
    const urls = [...text.matchAll(/https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[^'"`\s)]*)/g)];
    const bearer = /PYSTOL_METRICS_TOKEN/.test(text) ? env.PYSTOL_METRICS_TOKEN : undefined;
    for (const u of urls) requests.push({ role, port: Number(u[1]), path: u[2]!, bearer });
  }
  return { requests, problems };
}

export interface ConsistencyOptions {
  /** Objects created outside the manifests (a production installation's Secret). */
  external?: KubeObject[];
  /** Whether the process serves a probe's path; by default only web routes are checked, by file. */
  pathExists?: PathCheck;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function templateLabels(o: KubeObject): Record<string, string> | undefined {
  const spec = (o as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } }).spec;
  return spec?.template?.metadata?.labels;
}

/** Every disagreement between the rendered manifests and the app's configuration; empty when they agree. */
export async function checkConsistency(objects: KubeObject[], options: ConsistencyOptions = {}): Promise<string[]> {
  const out: string[] = [];
  const all = [...objects, ...(options.external ?? [])];
  const reference = composeReference();
  const pathExists: PathCheck = options.pathExists ?? (async (r) => r.role !== "web" || webRouteExists(r.path));

  // Which process each container runs, by its command.
  const placed: { p: PlacedContainer; role: Role; env: Record<string, string>; ports: number[] }[] = [];
  const pystolImages = new Set<string>();
  for (const p of containersOf(objects)) {
    const where = `${p.workload.kind} ${p.workload.metadata.name}, container ${p.container.name}`;
    const argv = [...p.container.command, ...p.container.args];
    const role = ROLES.find((r) => JSON.stringify(reference.commands.get(r)) === JSON.stringify(argv));
    const isPystolImage = imageName(p.container.image) === reference.imageName;
    if (!role) {
      if (isPystolImage) out.push(`${where}: runs ${JSON.stringify(argv)}, which is none of the commands of docker-compose.yml`);
      continue;
    }
    if (!isPystolImage) out.push(`${where}: image "${p.container.image}" is not the Pystol image ("${reference.imageName}", as in docker-compose.yml)`);
    pystolImages.add(p.container.image);

    const { values: env, problems } = resolveEnv(p, all);
    for (const problem of problems) out.push(`${where}: ${problem}`);

    // Each schema the process validates at start must accept the environment.
    for (const schema of SCHEMAS[role]) {
      const parsed = schema.safeParse(env);
      if (!parsed.success) for (const i of parsed.error.issues) out.push(`${where}: ${i.path.join(".")}: ${i.message}`);
    }
    for (const key of machineLocalDefaults(role))
      if (env[key] === undefined) out.push(`${where}: ${key} is not set, and its default (${defaultOf(role, key)}) only works on one machine`);
    if (role !== "migrate" && env.NODE_ENV !== "production") out.push(`${where}: NODE_ENV is ${JSON.stringify(env.NODE_ENV)}, not "production"`);
    if (role === "web" || role === "worker") {
      // lib/auth/secret.ts: production signs sessions only with NEXTAUTH_SECRET.
      if (!env.NEXTAUTH_SECRET) out.push(`${where}: NEXTAUTH_SECRET is not set (required in production)`);
      try {
        keyRingFromEnv({ ...env, NODE_ENV: "production" });
      } catch (err) {
        out.push(`${where}: ${(err as Error).message}`);
      }
      // Without it the process has no sandbox (lib/clusters/sandbox-admin.ts).
      if (!env.SANDBOX_ADMIN_TOKEN) out.push(`${where}: SANDBOX_ADMIN_TOKEN is not set: this process could not reach the sandbox`);
    }

    let ports: number[] = [];
    try {
      ports = listeningPorts(role, p.container, env);
    } catch (err) {
      out.push(`${where}: ${(err as Error).message}`);
    }
    const declared = p.container.ports.map((x) => x.containerPort);
    for (const port of declared) if (!ports.includes(port)) out.push(`${where}: declares port ${port}, but the process listens on ${ports.join(", ") || "no port"}`);
    for (const port of ports) if (!declared.includes(port)) out.push(`${where}: the process listens on ${port}, which the container does not declare`);

    for (const kind of ["readinessProbe", "livenessProbe", "startupProbe"] as const) {
      const probe = p.container[kind];
      if (!probe) {
        if (role !== "migrate" && kind !== "startupProbe") out.push(`${where}: has no ${kind}`);
        continue;
      }
      const { requests, problems: probeProblems } = probeRequests(role, p.container, probe, env);
      for (const problem of probeProblems) out.push(`${where}: ${kind}: ${problem}`);
      if (probe.exec && requests.length === 0) out.push(`${where}: ${kind}: the exec probe requests no local URL this check understands`);
      for (const r of requests) {
        if (!ports.includes(r.port)) out.push(`${where}: ${kind} asks port ${r.port}, where the process does not listen`);
        else if (r.path && !(await pathExists(r))) out.push(`${where}: ${kind} asks for ${r.path}, which the ${role} process does not serve`);
      }
    }
    placed.push({ p, role, env, ports });
  }
  if (pystolImages.size > 1) out.push(`the Pystol processes use different images: ${[...pystolImages].join(", ")}`);
  for (const role of ["web", "worker", "sandbox"] as Role[]) if (!placed.some((x) => x.role === role)) out.push(`no workload runs the ${role} process`);

  // Services send traffic to a port the selected pods listen on.
  for (const svc of objects.filter((o) => o.kind === "Service")) {
    const spec = (svc as { spec?: { selector?: Record<string, string>; ports?: { port: number; targetPort?: number | string }[] } }).spec ?? {};
    const targets = placed.filter((x) => matches(spec.selector, templateLabels(x.p.workload)));
    const others = containersOf(objects).filter((x) => matches(spec.selector, templateLabels(x.workload)));
    if (others.length === 0) out.push(`Service ${svc.metadata.name}: its selector matches no workload`);
    for (const sp of spec.ports ?? []) {
      const target = sp.targetPort ?? sp.port;
      for (const t of targets) {
        const n = portNumber(t.p.container, target);
        if (n === undefined || !t.ports.includes(n))
          out.push(`Service ${svc.metadata.name}: port ${sp.port} goes to ${target}, where ${t.p.workload.metadata.name} does not listen`);
      }
    }
  }

  // Network policies admit, to Pystol's pods, only ports those pods listen on.
  for (const np of objects.filter((o) => o.kind === "NetworkPolicy")) {
    const spec = (np as { spec?: { podSelector?: { matchLabels?: Record<string, string> }; ingress?: { ports?: { port?: number | string }[] }[] } }).spec ?? {};
    const sel = spec.podSelector?.matchLabels;
    if (!sel || Object.keys(sel).length === 0) continue;
    for (const t of placed.filter((x) => matches(sel, templateLabels(x.p.workload))))
      for (const rule of spec.ingress ?? [])
        for (const port of rule.ports ?? []) {
          const n = port.port === undefined ? undefined : portNumber(t.p.container, port.port);
          if (n !== undefined && !t.ports.includes(n)) out.push(`NetworkPolicy ${np.metadata.name}: admits port ${port.port} of ${t.p.workload.metadata.name}, where nothing listens`);
        }
  }

  // Web and workers find the sandbox's admin interface at its first shard's stable name.
  const sandbox = placed.find((x) => x.role === "sandbox");
  if (sandbox) {
    const adminPort = sandboxSettings(sandbox.env as NodeJS.ProcessEnv).adminPort;
    const serviceName = sandbox.p.workload.kind === "StatefulSet" ? serviceNameOf(sandbox.p.workload) : undefined;
    const hosts = new Set([sandbox.p.workload.metadata.name, ...(serviceName ? [serviceName, `${sandbox.p.podName}.${serviceName}`] : [])]);
    for (const x of placed.filter((y) => y.role === "web" || y.role === "worker")) {
      const where = `${x.p.workload.kind} ${x.p.workload.metadata.name}`;
      const url = new URL(x.env.SANDBOX_ADMIN_URL ?? "http://127.0.0.1:6444");
      if (!hosts.has(url.hostname)) out.push(`${where}: SANDBOX_ADMIN_URL names ${url.hostname}, not the sandbox (${[...hosts].join(" or ")})`);
      if (Number(url.port || 80) !== adminPort) out.push(`${where}: SANDBOX_ADMIN_URL uses port ${url.port || 80}, the sandbox's admin interface listens on ${adminPort}`);
      if (x.env.SANDBOX_ADMIN_TOKEN !== undefined && sandbox.env.SANDBOX_ADMIN_TOKEN !== x.env.SANDBOX_ADMIN_TOKEN)
        out.push(`${where}: SANDBOX_ADMIN_TOKEN differs from the sandbox's`);
    }
  }

  // The kill must come after the worker's own grace period and hand-back (workers/worker.ts).
  for (const x of placed.filter((y) => y.role === "worker")) {
    const grace = workerEnvSchema.safeParse(x.env);
    const period = (x.p.workload as { spec?: { template?: { spec?: { terminationGracePeriodSeconds?: number } } } }).spec?.template?.spec?.terminationGracePeriodSeconds ?? 30;
    if (grace.success && period * 1000 <= grace.data.WORKER_SHUTDOWN_GRACE_MS + 10_000)
      out.push(`${x.p.workload.kind} ${x.p.workload.metadata.name}: terminationGracePeriodSeconds ${period} does not cover WORKER_SHUTDOWN_GRACE_MS (${grace.data.WORKER_SHUTDOWN_GRACE_MS} ms) and the 10 s hand-back`);
  }
  return out;
}

function defaultOf(role: Role, key: string): string {
  for (const schema of SCHEMAS[role]) {
    const field = schema.shape[key] as z.ZodType | undefined;
    const d = field?.safeParse(undefined);
    if (d?.success) return String(d.data);
  }
  return "postgresql://postgres@127.0.0.1:5432/pystol";
}
