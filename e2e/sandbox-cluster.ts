import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { SandboxAdminClient } from "../lib/sandbox/admin-client";
import { E2E_DATABASE_URL, E2E_REDIS_PREFIX, E2E_SANDBOX_ADMIN_TOKEN, E2E_SANDBOX_ADMIN_URL } from "./stack";

const run = promisify(execFile);

// Until the Clusters page has its "Add a sandbox cluster" button, browser tests add one the
// way that button will: lib/clusters addSandboxCluster as the team's owner, against the
// stack's database and sandbox (in a tsx process, which loads the app's modules as the app
// does). Returns a direct client of the cluster, for checking it as an outsider would.
export async function addSandboxClusterFor(slug: string, email: string, name = "sandbox") {
  const { stdout } = await run("npx", ["tsx", "e2e/add-sandbox-cluster.ts", slug, email, name], {
    env: {
      ...process.env,
      DATABASE_URL: E2E_DATABASE_URL,
      PYSTOL_QUEUE_PREFIX: E2E_REDIS_PREFIX,
      SANDBOX_ADMIN_URL: E2E_SANDBOX_ADMIN_URL,
      SANDBOX_ADMIN_TOKEN: E2E_SANDBOX_ADMIN_TOKEN,
      LOG_LEVEL: "warn",
    },
  });
  const cluster = JSON.parse(stdout.trim().split("\n").at(-1)!) as { id: string; sandboxClusterId: string; status: string };
  const kc = new KubeConfig();
  kc.loadFromString(await new SandboxAdminClient(E2E_SANDBOX_ADMIN_URL, E2E_SANDBOX_ADMIN_TOKEN).getKubeconfig(cluster.sandboxClusterId));
  return { cluster, core: kc.makeApiClient(CoreV1Api) };
}
