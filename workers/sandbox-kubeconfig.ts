// Prints the kubeconfig of a sandbox virtual cluster (by id or name; default "demo") by asking
// the running sandbox's admin interface.
import "./load-env";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { SandboxAdminClient } from "@/lib/sandbox/admin-client";
import { sandboxSettings } from "@/lib/sandbox/settings";

async function main() {
  const s = sandboxSettings();
  const tokenFile = path.join(s.dataDir, "admin-token");
  const token = s.adminToken ?? (existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() : "");
  if (!token) throw new Error(`no admin token: set SANDBOX_ADMIN_TOKEN or start the sandbox once (it writes ${tokenFile})`);
  const host = s.host === "0.0.0.0" ? "127.0.0.1" : s.host;
  const client = new SandboxAdminClient(`http://${host.includes(":") ? `[${host}]` : host}:${s.adminPort}`, token);
  const wanted = process.argv[2] ?? "demo";
  const clusters = await client.listClusters();
  const c = clusters.find((x) => x.id === wanted) ?? clusters.find((x) => x.name === wanted);
  if (!c) throw new Error(`no sandbox cluster "${wanted}"; clusters: ${clusters.map((x) => `${x.name} (${x.id})`).join(", ") || "none"}`);
  process.stdout.write(await client.getKubeconfig(c.id));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
