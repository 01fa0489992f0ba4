import { afterAll, afterEach, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue";
import { closeRunQueue } from "@/lib/runs";
import { GET } from "./route";

const TOKEN = "metrics-token-0123456789abcdef";
const scrape = (auth?: string) =>
  GET(new NextRequest("http://127.0.0.1/api/metrics", { headers: auth ? { authorization: auth } : {} }));

// Against the real Redis: the queue-depth gauge reads it at scrape time.
describe("GET /api/metrics", () => {
  afterEach(() => {
    delete process.env.PYSTOL_METRICS_TOKEN;
  });
  afterAll(async () => {
    await closeRunQueue();
    await closeProducerConnection();
    await db.$disconnect();
  });

  it("is off (404) when no metrics token is configured, even with a bearer", async () => {
    expect((await scrape()).status).toBe(404);
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
  });

  it("refuses a missing or wrong token with 401", async () => {
    process.env.PYSTOL_METRICS_TOKEN = TOKEN;
    expect((await scrape()).status).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).status).toBe(401);
  });

  it("serves the Prometheus text with the run metrics to the token holder", async () => {
    process.env.PYSTOL_METRICS_TOKEN = TOKEN;
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const body = await res.text();
    expect(body).toContain("# TYPE pystol_runs_requested_total counter");
    expect(body).toMatch(/pystol_run_queue_depth\{status="waiting"\} \d+/);
    expect(body).toContain("pystol_process_cpu_seconds_total");
  });
});
