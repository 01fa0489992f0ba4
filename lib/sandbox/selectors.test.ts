import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { labelSelectorMatcher, parseFieldSelector, parseLabelSelector } from "./selectors";
import type { KObject } from "./types";

describe("label selectors", () => {
  const l = { app: "web", tier: "front", env: "prod" };
  it.each([
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app in (web,api)", true],
    ["app notin (web,api)", false],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["app=web,tier in (back)", false],
    ["", true],
  ])("%s", (sel, want) => expect(parseLabelSelector(sel)(l)).toBe(want));

  it("refuses malformed selectors with 400", () => {
    expect(() => parseLabelSelector("a in (x,y")).toThrow(ApiError);
    expect(() => parseLabelSelector("bad key=x")).toThrow(ApiError);
  });

  it("matches LabelSelector objects", () => {
    const m = labelSelectorMatcher({ matchLabels: { app: "web" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod"] }, { key: "x", operator: "DoesNotExist" }] });
    expect(m(l)).toBe(true);
    expect(m({ app: "web", env: "dev" })).toBe(false);
  });
});

describe("field selectors", () => {
  const pod = { metadata: { name: "p", namespace: "ns" }, spec: { nodeName: "n1" }, status: { phase: "Running" } } as KObject;
  it("matches dotted paths with = and !=", () => {
    expect(parseFieldSelector("spec.nodeName=n1,status.phase!=Failed").match(pod)).toBe(true);
    expect(parseFieldSelector("metadata.namespace=other").match(pod)).toBe(false);
    expect(parseFieldSelector("spec.nodeName=n1").nodeName).toBe("n1");
  });
});
