import { describe, expect, it } from "vitest";
import { depthExceeded, TokenBucket, valueDepth } from "./limits";
import { sandboxSettings } from "./settings";

describe("depthExceeded", () => {
  it("finds the bracket that goes one level too deep, and skips brackets inside strings", () => {
    expect(depthExceeded(Buffer.from('{"a":[{"b":1}]}'), 3)).toBeNull();
    expect(depthExceeded(Buffer.from('{"a":[{"b":[1]}]}'), 3)).toBe("[");
    expect(depthExceeded(Buffer.from('{"a":"[[[[{{{{\\\\\\"[[["}'), 1)).toBeNull();
    expect(depthExceeded(Buffer.from(`${"[".repeat(100_000)}${"]".repeat(100_000)}`), 100)).toBe("[");
  });

  it("measures a parsed value's depth without recursion", () => {
    expect(valueDepth(1)).toBe(0);
    expect(valueDepth({ a: [{ b: 1 }], c: {} })).toBe(3);
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    expect(valueDepth(deep)).toBe(50_000);
  });
});

describe("TokenBucket", () => {
  it("lets a burst through, then one request per refill, and says how long to wait", () => {
    let now = 0;
    const b = new TokenBucket(() => 2, () => 3, () => now);
    expect([b.take(), b.take(), b.take()]).toEqual([0, 0, 0]);
    expect(b.take()).toBeCloseTo(0.5);
    now += 500;
    expect(b.take()).toBe(0);
    expect(b.take()).toBeGreaterThan(0);
    now += 10_000;
    expect([b.take(), b.take(), b.take()]).toEqual([0, 0, 0]);
    expect(b.take()).toBeGreaterThan(0);
  });
});

describe("sandboxSettings", () => {
  it("reads each cluster limit from the environment, and refuses a wrong value naming the variable", () => {
    const s = sandboxSettings({ NODE_ENV: "test", SANDBOX_CLUSTER_MAX_BYTES: "1048576", SANDBOX_CLUSTER_REQUESTS_PER_SECOND: "5", SANDBOX_MAX_JSON_DEPTH: "50" });
    expect(s.clusterDefaults).toEqual({ maxObjects: 250_000, maxBytes: 1048576, maxWatches: 100, requestsPerSecond: 5, requestBurst: 400, maxJsonDepth: 50 });
    expect(() => sandboxSettings({ NODE_ENV: "test", SANDBOX_MAX_JSON_DEPTH: "100000" })).toThrow(/SANDBOX_MAX_JSON_DEPTH/);
  });
});
