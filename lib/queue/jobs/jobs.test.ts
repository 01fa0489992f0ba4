import { describe, expect, it } from "vitest";
import { jobHandlers } from "../handlers";
import { queueNames } from "../queues";
import { findJobDefinition, jobDefinitions } from ".";

describe("job definitions", () => {
  it("have unique names, a known queue, a version and a handler each", () => {
    const names = jobDefinitions.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const def of jobDefinitions) {
      expect(queueNames).toContain(def.queue);
      expect(def.version).toBeGreaterThanOrEqual(1);
      expect(typeof jobHandlers[def.name]).toBe("function");
    }
  });

  it("validate payloads strictly", () => {
    const ping = findJobDefinition("system.ping")!;
    expect(ping.schema.safeParse({ note: "hi" }).success).toBe(true);
    expect(ping.schema.safeParse({ note: 1 }).success).toBe(false);
    expect(ping.schema.safeParse({ token: "x" }).success).toBe(false);
    expect(findJobDefinition("nope")).toBeUndefined();
  });
});
