import type http from "node:http";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { isLoopbackHost } from "./health-access";
import { serverPort, startHealthServer } from "./health-server";
import { workerSettings } from "./worker-settings";

const TOKEN = "worker-metrics-token-0123456789";

// The worker's health server on a real port with the real PostgreSQL and Redis behind /healthz.
describe("worker health server", () => {
  let redis: Redis;
  const servers: http.Server[] = [];
  const start = async (host: string, token?: string) => {
    const s = await startHealthServer(0, redis, host, token);
    servers.push(s);
    return `http://127.0.0.1:${serverPort(s)}`;
  };
  const get = (url: string, token?: string) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    redis.disconnect();
    await db.$disconnect();
  });

  it("on every interface, answers /healthz and /metrics only with the metrics token", async () => {
    const base = await start("0.0.0.0", TOKEN);
    for (const path of ["/healthz", "/metrics"]) {
      const bare = await get(base + path);
      expect(bare.status).toBe(401);
      expect(bare.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await bare.text()).toMatch(/PYSTOL_METRICS_TOKEN/);
      expect((await get(base + path, "wrong-token-wrong-token-wrong")).status).toBe(401);
    }
    const health = await get(`${base}/healthz`, TOKEN);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, postgres: true, redis: true });
    const metrics = await get(`${base}/metrics`, TOKEN);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# HELP /m);
  });

  it("on loopback, answers without a token (nothing else can connect)", async () => {
    const base = await start("127.0.0.1");
    expect((await get(`${base}/healthz`)).status).toBe(200);
    expect((await get(`${base}/metrics`)).status).toBe(200);
  });

  it("a worker set to listen beyond loopback without a token refuses to start, naming the variable", () => {
    expect(() => workerSettings({ WORKER_HEALTH_HOST: "0.0.0.0" })).toThrow(/PYSTOL_METRICS_TOKEN: required \(16 characters or more\) when WORKER_HEALTH_HOST \(0\.0\.0\.0\)/);
    expect(() => workerSettings({ WORKER_HEALTH_HOST: "0.0.0.0", PYSTOL_METRICS_TOKEN: "short" })).toThrow(/PYSTOL_METRICS_TOKEN/);
    expect(workerSettings({ WORKER_HEALTH_HOST: "0.0.0.0", PYSTOL_METRICS_TOKEN: TOKEN }).WORKER_HEALTH_HOST).toBe("0.0.0.0");
    expect(workerSettings({}).WORKER_HEALTH_HOST).toBe("127.0.0.1");
  });

  it("tells loopback addresses from the rest", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "192.0.2.2", "fd00::2", "127.example.com", "localhost.example.com"]) expect(isLoopbackHost(h), h).toBe(false);
  });
});
