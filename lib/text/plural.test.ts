import { describe, expect, it } from "vitest";
import { plural, pluralWord } from "./plural";

describe("plural", () => {
  it("uses the singular for exactly one and the plural for every other count", () => {
    expect(plural(1, "pod")).toBe("1 pod");
    expect(plural(0, "pod")).toBe("0 pods");
    expect(plural(2, "pod")).toBe("2 pods");
    expect(plural(1.5, "core")).toBe("1.5 cores");
  });
  it("groups thousands and takes an irregular plural", () => {
    expect(plural(12000, "pod")).toBe("12,000 pods");
    expect(plural(3, "replica")).toBe("3 replicas");
    expect(pluralWord(1, "child", "children")).toBe("child");
    expect(pluralWord(4, "child", "children")).toBe("children");
  });
});
