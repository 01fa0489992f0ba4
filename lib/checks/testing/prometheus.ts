import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** Debian's Prometheus (scripts/ensure-prometheus.sh installs it). */
export const PROMETHEUS_BIN = "/usr/bin/prometheus";

export interface TestPrometheus {
  url: string;
  close(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A real Prometheus on a free loopback port with the given scrape configs (none: it answers
 * queries such as vector(1) and holds no series). `files` are written beside its config.
 */
export async function startPrometheus(scrapeConfigs: string[] = [], files: Record<string, { text: string; mode?: number }> = {}): Promise<TestPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), "checks-prom-"));
  const port = await freePort();
  for (const [name, f] of Object.entries(files)) writeFileSync(path.join(dir, name), f.text, f.mode ? { mode: f.mode } : {});
  const config = [
    "global: { scrape_interval: 1s, scrape_timeout: 1s }",
    scrapeConfigs.length ? "scrape_configs:" : "scrape_configs: []",
    ...scrapeConfigs.map((c) => c.replaceAll("$DIR", dir)),
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "prometheus.yml"), config);
  const prom: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: "ignore" },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      if (prom.pid) prom.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A real Prometheus that scrapes a sandbox cluster's shop every second through the API server's
 * service proxy (the cluster Prometheus's /federate), as the sandbox README's scrape config does.
 */
export function startShopPrometheus(cluster: { server: string; token: string }, caPem: string): Promise<TestPrometheus> {
  const api = new URL(cluster.server);
  const job = [
    "  - job_name: shop",
    "    honor_labels: true",
    "    scheme: https",
    `    metrics_path: ${api.pathname}/api/v1/namespaces/monitoring/services/prometheus:web/proxy/federate`,
    "    tls_config: { ca_file: $DIR/ca.pem }",
    "    authorization: { credentials_file: $DIR/token }",
    `    static_configs: [{ targets: ["${api.host}"] }]`,
  ].join("\n");
  return startPrometheus([job], { "ca.pem": { text: caPem }, token: { text: cluster.token, mode: 0o600 } });
}
