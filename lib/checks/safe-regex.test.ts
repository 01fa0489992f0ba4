import { describe, expect, it } from "vitest";
import { compileBodyPattern, unsafeRegexReason } from "./safe-regex";
import { statusMatches } from "./status";
import { readField } from "./kubernetes";
import { proxyPath } from "./evaluate";

describe("body patterns", () => {
  it("run in linear time: patterns that backtrack exponentially in V8's default engine finish on a large body", () => {
    const r = compileBodyPattern("(a+)+$");
    expect(r.ok).toBe(true);
    // With the default engine this test does not end (2^50000 paths); linear, it is immediate.
    if (r.ok) expect(r.regex.test("a".repeat(50_000) + "b")).toBe(false);
    const r2 = compileBodyPattern("(x+x+)+y");
    if (r2.ok) expect(r2.regex.test("x".repeat(50_000))).toBe(false);
    expect(compileBodyPattern('"status":\\s*"ok"').ok).toBe(true);
  });

  it("refuse what cannot run in linear time and what is not a pattern, with the reason", () => {
    expect(unsafeRegexReason("(a)\\1")).toMatch(/^it cannot be matched in linear time/);
    expect(unsafeRegexReason("(?=a)b")).toMatch(/^it cannot be matched in linear time/);
    expect(unsafeRegexReason("a{1000}")).toMatch(/^it cannot be matched in linear time/);
    expect(unsafeRegexReason("(")).toBe("it is not a valid regular expression");
  });
});

describe("small parts", () => {
  it("status terms: codes, classes, ranges", () => {
    expect(statusMatches(204, ["2xx"])).toBe(true);
    expect(statusMatches(302, ["2xx"])).toBe(false);
    expect(statusMatches(404, ["200", "400-404"])).toBe(true);
    expect(statusMatches(405, ["200", "400-404"])).toBe(false);
  });

  it("field paths read nested fields, list items and dotted keys", () => {
    const obj = {
      metadata: { labels: { "app.kubernetes.io/name": "cart" } },
      status: { conditions: [{ type: "Available" }] },
    };
    expect(readField(obj, '.metadata.labels["app.kubernetes.io/name"]')).toBe("cart");
    expect(readField(obj, "status.conditions[0].type")).toBe("Available");
    expect(readField(obj, ".status.conditions[3].type")).toBeUndefined();
    expect(readField(obj, ".constructor")).toBeUndefined();
  });

  it("proxy paths encode the names and keep the path and query", () => {
    expect(proxyPath("shop", "frontend", "http", "/checkout?x=1")).toBe(
      "/api/v1/namespaces/shop/services/frontend%3Ahttp/proxy/checkout?x=1",
    );
    expect(proxyPath("shop", "cart", 8080, "/")).toBe("/api/v1/namespaces/shop/services/cart%3A8080/proxy/");
  });
});
