import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeProducerConnection } from "@/lib/queue";
import { GET } from "./route";

// Against the real test database and Redis.
describe("GET /api/health", () => {
  afterAll(async () => {
    await closeProducerConnection();
    await db.$disconnect();
  });

  it("answers 200 with which dependencies answer, and nothing else", async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ ok: true, postgres: true, redis: true });
  });
});
