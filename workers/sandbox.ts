// The sandbox process: serves every virtual cluster's Kubernetes API over HTTPS and the
// internal admin interface; on first start it creates the `demo` cluster and says how to use it.
import "./load-env";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { createLogger } from "@/lib/log";
import { buildKubeconfig, startSandboxServer } from "@/lib/sandbox";
import { sandboxSettings } from "@/lib/sandbox/settings";

const log = createLogger("sandbox");

async function main() {
  const s = sandboxSettings();
  const server = await startSandboxServer({ ...s });
  let demo = server.manager.findByName("demo");
  if (!demo) demo = server.manager.create({ name: "demo", seed: "demo" });
  const base = s.publicUrl ?? server.apiUrl;
  const file = path.join(s.dataDir, "demo.kubeconfig");
  writeFileSync(file, buildKubeconfig(demo.name, `${base}/c/${demo.id}`, server.caPem, demo.token), { mode: 0o600 });
  log.info({ api: server.apiUrl, admin: server.adminUrl }, "sandbox listening");
  process.stdout.write(
    [
      "",
      `Sandbox cluster API: ${server.apiUrl}   admin: ${server.adminUrl}`,
      `Demo cluster "${demo.name}" (${demo.id}): kubeconfig written to ${file}`,
      "Point kubectl at it:",
      `  kubectl --kubeconfig ${file} get pods -A`,
      `Another cluster's kubeconfig: npm run sandbox:kubeconfig -- <id-or-name>`,
      "",
    ].join("\n"),
  );
  let closing = false;
  const stop = (sig: string) => {
    if (closing) return;
    closing = true;
    log.info({ sig }, "sandbox stopping");
    server
      .close()
      .catch((e: unknown) => log.error({ err: e }, "close failed"))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e: unknown) => {
  log.error({ err: e }, "sandbox failed to start");
  process.exit(1);
});
