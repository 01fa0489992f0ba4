import { describe, expect, it } from "vitest";
import { applyPatch, mergePatch, strategicMerge } from "./patch";

describe("patches", () => {
  it("merge patch replaces lists and deletes nulls", () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null }, l: [3] })).toEqual({ a: 1, b: { d: 3 }, l: [3] });
  });

  it("strategic merge merges containers by name and honours directives", () => {
    const cur = { spec: { containers: [{ name: "a", image: "a:1", ports: [{ containerPort: 80 }] }, { name: "b", image: "b:1" }] } };
    const out = strategicMerge(cur, {
      $setElementOrder: 1,
      spec: { "$setElementOrder/containers": [{ name: "a" }], containers: [{ name: "a", image: "a:2" }, { name: "b", $patch: "delete" }] },
    }) as typeof cur;
    expect(out.spec.containers).toEqual([{ name: "a", image: "a:2", ports: [{ containerPort: 80 }] }]);
  });

  it("JSON patch applies operations and reports bad ones as Invalid", () => {
    expect(applyPatch("application/json-patch+json", { a: [1] }, [{ op: "add", path: "/a/-", value: 2 }], "X", "x")).toEqual({ a: [1, 2] });
    expect(() => applyPatch("application/json-patch+json", { a: 1 }, [{ op: "remove", path: "/nope" }], "X", "x")).toThrow(/the server rejected our request due to an error in our request/);
    expect(() => applyPatch("application/apply-patch+yaml", {}, {}, "X", "x")).toThrow(/unknown format/);
  });
});
