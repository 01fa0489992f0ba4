import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SandboxAdminClient, type CreateClusterRequest, type CreatedCluster } from "../admin-client";
import { startSandboxServer, type SandboxServer } from "../server";

/** Every versioned kubectl copy the sandbox supports (1.27 to 1.33), for smoke steps per version. */
export const KUBECTL_VERSIONS = ["1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"]
  .map((v) => ({ version: v, bin: `/usr/lib/google-cloud-sdk/bin/kubectl.${v}` }))
  .filter((k) => existsSync(k.bin));

/** The kubectl copies the conformance tests drive: the oldest and newest versioned ones, and the default. */
export const KUBECTLS = [
  "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
  "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
  "/usr/bin/kubectl",
].filter((p) => existsSync(p));

export interface Harness {
  server: SandboxServer;
  admin: SandboxAdminClient;
  dir: string;
  newCluster(seed?: "demo" | "empty", limits?: CreateClusterRequest["limits"]): Promise<CreatedCluster & { kubeconfigPath: string }>;
  /** A kubeconfig file for the cluster with another bearer token (a service account's). */
  kubeconfigWithToken(c: CreatedCluster, token: string): string;
  close(): Promise<void>;
}

/** An in-process sandbox on free ports with quick pod start-up, and a temp dir for kubeconfigs. */
export async function startHarness(): Promise<Harness> {
  const server = await startSandboxServer({
    port: 0,
    adminPort: 0,
    dataDir: null,
    clusterDefaults: { podStartDelayMs: 30, podStopDelayMs: 30, jobRunMs: 200, restartBackoffMs: 500 },
  });
  const admin = new SandboxAdminClient(server.adminUrl, server.adminToken);
  const dir = mkdtempSync(path.join(tmpdir(), "sandbox-conf-"));
  let n = 0;
  return {
    server,
    admin,
    dir,
    async newCluster(seed = "demo", limits) {
      const c = await admin.createCluster({ seed, limits });
      const kubeconfigPath = path.join(dir, `kc-${n++}.yaml`);
      writeFileSync(kubeconfigPath, c.kubeconfig, { mode: 0o600 });
      return { ...c, kubeconfigPath };
    },
    kubeconfigWithToken(c, token) {
      const p = path.join(dir, `kc-${n++}.yaml`);
      const replaced = c.kubeconfig.replace(/^(\s*token:\s*).*$/m, (_, lead: string) => `${lead}${token}`);
      if (replaced === c.kubeconfig) throw new Error("the kubeconfig has no token line");
      writeFileSync(p, replaced, { mode: 0o600 });
      return p;
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run kubectl (never through a shell) against a kubeconfig; optional stdin. */
export function kubectl(bin: string, kubeconfig: string, args: string[], stdin?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      bin,
      ["--kubeconfig", kubeconfig, ...args],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, KUBECONFIG: "", HOME: tmpdir() } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** Poll until fn returns true (bounded). */
export async function eventually(fn: () => Promise<boolean>, attempts = 100, ms = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, ms));
  }
  throw new Error("condition not reached");
}
