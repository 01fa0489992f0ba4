import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeProducerConnection } from "@/lib/queue/connection";
import { hit, reset, throttleMessage, type Limit } from "./throttle";

describe("throttle", () => {
  afterAll(() => closeProducerConnection());

  it("allows up to the limit in a window, then refuses with the time to wait, until reset", async () => {
    const limit: Limit = { bucket: `test:${randomUUID()}`, max: 3, windowSeconds: 30 };
    for (let i = 0; i < 3; i++) expect((await hit(limit, "198.51.100.1")).allowed).toBe(true);
    const refused = await hit(limit, "198.51.100.1");
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30);
    // Another subject has its own count.
    expect((await hit(limit, "198.51.100.2")).allowed).toBe(true);
    await reset(limit, "198.51.100.1");
    expect((await hit(limit, "198.51.100.1")).allowed).toBe(true);
  });

  it("starts a new window once the old one has passed", async () => {
    const limit: Limit = { bucket: `test:${randomUUID()}`, max: 1, windowSeconds: 1 };
    expect((await hit(limit, "s")).allowed).toBe(true);
    expect((await hit(limit, "s")).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await hit(limit, "s")).allowed).toBe(true);
  });

  it("says what was throttled and for how long", () => {
    expect(throttleMessage(42)).toBe("Too many sign-in attempts. Try again in 42 seconds.");
    expect(throttleMessage(1, "sign-up")).toBe("Too many sign-up attempts. Try again in 1 second.");
  });
});
