import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { listActions } from "@/lib/actions";
import { createAccount } from "@/lib/auth/create-account";
import { db } from "@/lib/db";
import { PROBED_PERMISSIONS, permissionKey } from "@/lib/kube";
import { type Listener, startListener, testTls } from "@/lib/kube/testing/listener";
import { SandboxAdminClient, type SandboxServer, startSandboxServer } from "@/lib/sandbox";
import { resolveTeamForUser, type TeamContext } from "@/lib/tenancy";
import {
  ClusterError,
  actionAccess,
  addSandboxCluster,
  clientForCluster,
  connectCluster,
  deleteCluster,
  inspectKubeconfig,
  nextSandboxName,
  recheckCluster,
  renameCluster,
  replaceClusterCredentials,
  suggestClusterName,
  testConnection,
  virtualClusterName,
} from ".";

// The whole path of "Connect a cluster" below the page: a real sandbox in this process, the
// real database, the real guarded client. Only loopback is allowlisted, as the browser tests do.
let sandbox: SandboxServer;
let admin: SandboxAdminClient;
let listener: Listener;
let ctx: TeamContext;
let outsider: TeamContext;

const bytes = (s: string) => new TextEncoder().encode(s);

async function teamContext(name: string): Promise<TeamContext> {
  const email = `${randomUUID()}@example.test`;
  const { userId, teamSlug } = await createAccount({ name, email, password: "correct horse" }, { ip: null, userAgent: null });
  return resolveTeamForUser({ id: userId, email, name }, teamSlug, "clusters:manage");
}

/** Inspects and tests a kubeconfig text as the Connect page does; fails the test on refusal. */
async function tested(text: string, context?: string) {
  const inspected = inspectKubeconfig(bytes(text), context);
  if (!inspected.ok) throw new Error(inspected.refusal.message);
  const check = await testConnection(inspected.parsed.config!);
  if (!check.ok) throw new Error(check.message);
  return { config: inspected.parsed.config!, probe: check.probe };
}

beforeAll(async () => {
  process.env.PYSTOL_KUBE_ALLOWED_CIDRS = "127.0.0.1/32";
  sandbox = await startSandboxServer({ port: 0, adminPort: 0, dataDir: null, host: "127.0.0.1" });
  process.env.SANDBOX_ADMIN_URL = sandbox.adminUrl;
  process.env.SANDBOX_ADMIN_TOKEN = sandbox.adminToken;
  admin = new SandboxAdminClient(sandbox.adminUrl, sandbox.adminToken);
  listener = await startListener();
  ctx = await teamContext("Grace");
  outsider = await teamContext("Mallory");
});
afterAll(async () => {
  await listener?.close();
  await sandbox?.close();
  await db.$disconnect();
});

describe("connecting a kubeconfig", () => {
  it("tests, seals and stores it; the row holds no token, CA or key in plaintext", async () => {
    const virtual = await admin.createCluster({ seed: "demo" });
    const { config, probe } = await tested(virtual.kubeconfig);
    expect(probe.version).toMatch(/^v1\./);
    expect(probe.nodeCount).toBeGreaterThan(0);
    const row = await connectCluster(ctx, { name: "staging", config, probe });
    expect(row).toMatchObject({ kind: "KUBECONFIG", status: "CONNECTED", serverHost: new URL(virtual.server).host });
    expect(row.kubeconfigKeyId).toBeTruthy();

    // Every column of the stored row, as PostgreSQL returns it, in text and as bytes.
    const [raw] = await db.$queryRaw<{ row: string; cipher: string }[]>`
      SELECT row_to_json(c)::text AS row, encode("kubeconfigCiphertext", 'escape') AS cipher
      FROM "Cluster" c WHERE id = ${row.id}`;
    const secrets = [virtual.token, config.cluster.caData!, Buffer.from(config.cluster.caData!, "base64").toString("utf8").split("\n")[1]!];
    for (const secret of secrets) {
      expect(raw!.row).not.toContain(secret);
      expect(raw!.cipher).not.toContain(secret);
    }
    // …and the sealed config opens to a working client.
    const client = await clientForCluster(row);
    expect((await client.version.getCode()).gitVersion).toBe(probe.version);

    const audit = await db.auditEvent.findFirst({ where: { teamId: ctx.team.id, action: "cluster.create", targetId: row.id } });
    expect(JSON.stringify(audit?.data)).not.toContain(virtual.token);
  });

  it("lets a multi-context file be reduced to the chosen context only", async () => {
    const one = await admin.createCluster({ seed: "empty" });
    const two = await admin.createCluster({ seed: "demo" });
    const merged = mergeKubeconfigs(one.kubeconfig, two.kubeconfig);
    const listed = inspectKubeconfig(bytes(merged));
    expect(listed.ok && listed.parsed.contexts.map((c) => c.name)).toEqual(["first", "second"]);
    expect(listed.ok && listed.parsed.config).toBeNull();
    const { config, probe } = await tested(merged, "second");
    expect(config.user.token).toBe(two.token);
    expect(probe.nodeCount).toBeGreaterThan(0);
  });

  it("refuses a name the team already uses", async () => {
    const virtual = await admin.createCluster({ seed: "empty" });
    const input = await tested(virtual.kubeconfig);
    await connectCluster(ctx, { name: "dup", ...input });
    await expect(connectCluster(ctx, { name: "dup", ...input })).rejects.toMatchObject({ code: "name-taken" });
    // The same name in another team is another cluster.
    await expect(connectCluster(outsider, { name: "dup", ...input })).resolves.toMatchObject({ name: "dup" });
  });

  it("names the rule and the place of a refused file, and never quotes its token", () => {
    const text = `clusters: [{name: k, cluster: {server: "https://k.example.com"}}]
users: [{name: admin, user: {token: SECRET-1234567890, exec: {command: /bin/sh, apiVersion: client.authentication.k8s.io/v1}}}]
contexts: [{name: c, context: {cluster: k, user: admin}}]
`;
    const result = inspectKubeconfig(bytes(text));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal).toMatchObject({ rule: "exec-plugin", path: "users[0].user.exec" });
    expect(result.refusal.message).toContain("users[0]");
    expect(result.refusal.message).not.toContain("SECRET-1234567890");
    expect(inspectKubeconfig(new Uint8Array())).toMatchObject({ ok: false, refusal: { rule: "empty" } });
    expect(inspectKubeconfig(new Uint8Array([0xff, 0xfe, 0x00]))).toMatchObject({ ok: false, refusal: { rule: "not-utf8" } });
  });
});

describe("test connection and the address rules", () => {
  const kubeconfigFor = (server: string) => `clusters: [{name: k, cluster: {server: "${server}", certificate-authority-data: ${Buffer.from(testTls.caPem).toString("base64")}}}]
users: [{name: u, user: {token: SECRET-TOKEN-abc}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
`;

  it("never sends a request to a name that resolves to loopback unless the operator allows it", async () => {
    await listener.reset();
    process.env.PYSTOL_KUBE_ALLOWED_CIDRS = "";
    try {
      const inspected = inspectKubeconfig(bytes(kubeconfigFor(`https://localhost:${listener.port}`)));
      expect(inspected.ok).toBe(true);
      if (!inspected.ok) return;
      const check = await testConnection(inspected.parsed.config!);
      expect(check).toMatchObject({ ok: false, status: "UNREACHABLE" });
      expect(!check.ok && check.message).toMatch(/loopback/);
      expect(!check.ok && check.message).not.toContain("SECRET-TOKEN-abc");
      expect(listener.connections).toBe(0);
      expect(listener.requests).toHaveLength(0);
    } finally {
      process.env.PYSTOL_KUBE_ALLOWED_CIDRS = "127.0.0.1/32";
    }
    // The same file with loopback allowlisted does reach it (so the zero above means something).
    const inspected = inspectKubeconfig(bytes(kubeconfigFor(`https://localhost:${listener.port}`)));
    await testConnection(inspected.ok ? inspected.parsed.config! : (null as never));
    expect(listener.requests.length).toBeGreaterThan(0);
  });

  it("reports a server that does not answer as unreachable, with no secret in the message", async () => {
    const inspected = inspectKubeconfig(bytes(kubeconfigFor("https://127.0.0.1:1")));
    const check = await testConnection(inspected.ok ? inspected.parsed.config! : (null as never));
    expect(check).toMatchObject({ ok: false, status: "UNREACHABLE" });
    expect(!check.ok && check.message).not.toContain("SECRET-TOKEN-abc");
  });
});

describe("managing a cluster", () => {
  it("renames, refuses a taken name, and hides other teams' clusters", async () => {
    const input = await tested((await admin.createCluster({ seed: "empty" })).kubeconfig);
    const a = await connectCluster(ctx, { name: "alpha", ...input });
    await connectCluster(ctx, { name: "beta", ...input });
    await renameCluster(ctx, a.id, "gamma");
    expect((await db.cluster.findUniqueOrThrow({ where: { id: a.id } })).name).toBe("gamma");
    await expect(renameCluster(ctx, a.id, "beta")).rejects.toMatchObject({ code: "name-taken" });
    await expect(renameCluster(outsider, a.id, "stolen")).rejects.toMatchObject({ code: "not-found" });
    const audit = await db.auditEvent.findFirst({ where: { action: "cluster.rename", targetId: a.id } });
    expect(audit?.data).toEqual({ from: "alpha", to: "gamma" });
  });

  it("rotates credentials: the new token is sealed, the client uses it, the old one is gone", async () => {
    const first = await admin.createCluster({ seed: "empty" });
    const row = await connectCluster(ctx, { name: "rotating", ...(await tested(first.kubeconfig)) });
    const second = await admin.createCluster({ seed: "demo" });
    const next = await tested(second.kubeconfig);
    const updated = await replaceClusterCredentials(ctx, row.id, next);
    expect(Buffer.from(updated.kubeconfigCiphertext!).equals(Buffer.from(row.kubeconfigCiphertext!))).toBe(false);
    expect(updated.nodeCount).toBe(next.probe.nodeCount);
    const client = await clientForCluster(updated);
    const nodes = await client.core.listNode();
    expect(nodes.items.length).toBe(next.probe.nodeCount);
    await expect(replaceClusterCredentials(outsider, row.id, next)).rejects.toMatchObject({ code: "not-found" });
    expect(await db.auditEvent.count({ where: { action: "cluster.credentials.replace", targetId: row.id } })).toBe(1);
  });

  it("refuses to delete a cluster while a run on it is in progress", async () => {
    const input = await tested((await admin.createCluster({ seed: "empty" })).kubeconfig);
    const row = await connectCluster(ctx, { name: "busy", ...input });
    const run = await db.run.create({ data: { teamId: ctx.team.id, clusterId: row.id, actionId: "pod-kill", params: {}, state: "RUNNING" } });
    await expect(deleteCluster(ctx, row.id)).rejects.toMatchObject({ code: "busy" });
    await db.run.update({ where: { id: run.id }, data: { state: "SUCCEEDED" } });
    await deleteCluster(ctx, row.id);
    expect(await db.run.count({ where: { id: run.id } })).toBe(0);
  });

  it("keeps a trial team to its sandbox", async () => {
    const input = await tested((await admin.createCluster({ seed: "empty" })).kubeconfig);
    const trial = { ...ctx, team: { ...ctx.team, isTrial: true } };
    await expect(connectCluster(trial, { name: "own", ...input })).rejects.toMatchObject({ code: "trial-limit" });
  });

  it("re-checks a cluster and records the answer and who asked", async () => {
    const virtual = await admin.createCluster({ seed: "empty" });
    const row = await connectCluster(ctx, { name: "checked", ...(await tested(virtual.kubeconfig)) });
    await admin.deleteCluster(virtual.id); // its token no longer opens anything
    const check = await recheckCluster(ctx, row.id);
    expect(check.ok).toBe(false);
    const stored = await db.cluster.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.status).not.toBe("CONNECTED");
    expect(stored.statusMessage).not.toContain(virtual.token);
    expect(await db.auditEvent.count({ where: { action: "cluster.check", targetId: row.id, actorUserId: ctx.user!.id } })).toBe(1);
  });
});

describe("sandbox clusters", () => {
  it("adds one in one call, connected, and deleting it deletes the virtual cluster", async () => {
    const name = await nextSandboxName(ctx);
    expect(name).toBe("sandbox");
    const row = await addSandboxCluster(ctx, { name });
    expect(row).toMatchObject({ kind: "SANDBOX", status: "CONNECTED" });
    expect(row.nodeCount).toBeGreaterThan(0);
    expect(await nextSandboxName(ctx)).toBe("sandbox-2");
    expect((await admin.listClusters()).some((c) => c.id === row.sandboxClusterId)).toBe(true);
    await expect(replaceClusterCredentials(ctx, row.id, await tested((await admin.createCluster({ seed: "empty" })).kubeconfig))).rejects.toBeInstanceOf(ClusterError);

    await expect(deleteCluster(outsider, row.id)).rejects.toMatchObject({ code: "not-found" });
    await deleteCluster(ctx, row.id);
    expect(await db.cluster.count({ where: { id: row.id } })).toBe(0);
    expect((await admin.listClusters()).some((c) => c.id === row.sandboxClusterId)).toBe(false);
    expect(await db.auditEvent.count({ where: { action: "cluster.delete", targetId: row.id } })).toBe(1);
  });

  it("gets a sandbox name that is a DNS label whatever the cluster is called", () => {
    expect(virtualClusterName("acme", "My Sandbox_1")).toBe("acme-my-sandbox-1");
    expect(virtualClusterName("a".repeat(60), "zzzz")).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(suggestClusterName("arn:aws:eks:eu-west-1:1234:cluster/prod")).toBe("arn-aws-eks-eu-west-1-1234-cluster-prod");
  });
});

describe("what the credentials allow", () => {
  it("asks every permission that some action needs", () => {
    const probed = new Set(PROBED_PERMISSIONS.map(permissionKey));
    for (const action of listActions()) for (const p of action.permissions) expect(probed, `${action.id}: ${p}`).toContain(p);
  });

  it("reads the answers as actions allowed and what each lacks", () => {
    const all = Object.fromEntries(PROBED_PERMISSIONS.map((c) => [permissionKey(c), true]));
    expect(actionAccess(all)!.every((a) => a.allowed)).toBe(true);
    const access = actionAccess({ ...all, "delete pods": false })!;
    expect(access.find((a) => a.id === "pod-kill")).toMatchObject({ allowed: false, missing: ["delete pods"] });
    expect(actionAccess(null)).toBeNull();
  });
});

/** Two single-context sandbox kubeconfigs as one file with contexts "first" and "second". */
function mergeKubeconfigs(a: string, b: string): string {
  type Kc = { clusters: { cluster: object }[]; users: { user: object }[] };
  const [x, y] = [parse(a) as Kc, parse(b) as Kc];
  const names = ["first", "second"];
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [x, y].map((k, i) => ({ name: names[i], cluster: k.clusters[0]!.cluster })),
    users: [x, y].map((k, i) => ({ name: names[i], user: k.users[0]!.user })),
    contexts: names.map((n) => ({ name: n, context: { cluster: n, user: n } })),
  });
}
