import { describe, expect, it } from "vitest";
import { applySet, changedSet, FieldSet, mergeApplied, pathString } from "./fieldset";
import { applyConfig, recordUpdate } from "./managed";
import { findResource } from "./resources";
import type { KObject } from "./types";

const CM = findResource("", "v1", "configmaps")!;
const DEPLOY = findResource("apps", "v1", "deployments")!;

const pod = (containers: unknown[]): KObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers } });

describe("field sets", () => {
  it("encodes an applied configuration as upstream's fieldsV1: leaves, keyed list items with '.', atomic selectors", () => {
    const cfg = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", labels: { app: "d" } },
      spec: { replicas: 1, selector: { matchLabels: { app: "d" } }, template: { spec: { containers: [{ name: "app", image: "nginx", ports: [{ containerPort: 80 }], args: ["a", "b"] }] } } },
    };
    expect(applySet(cfg, "skip").toFieldsV1()).toEqual({
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"app"}': { ".": {}, "f:args": {}, "f:image": {}, "f:name": {}, "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } } },
            },
          },
        },
      },
    });
  });

  it("round-trips fieldsV1, and prints paths as apply conflicts do", () => {
    const tree = { "f:data": { ".": {}, "f:a": {} }, "f:metadata": { "f:finalizers": { '.': {}, 'v:"x"': {} } } };
    expect(FieldSet.fromFieldsV1(tree).toFieldsV1()).toEqual(tree);
    expect(pathString(["f:spec", "f:containers", 'k:{"name":"app"}', "f:image"])).toBe('.spec.containers[name="app"].image');
    expect(pathString(["f:metadata", "f:finalizers", 'v:"x"'])).toBe('.metadata.finalizers[="x"]');
  });

  it("counts what a write added or changed; new maps and list items own themselves", () => {
    const before = pod([{ name: "a", image: "1" }]);
    const after = pod([{ name: "a", image: "2" }, { name: "b", image: "1" }]);
    after.metadata.labels = { x: "y" };
    expect(changedSet(before, after, "skip").toFieldsV1()).toEqual({
      "f:metadata": { "f:labels": { ".": {}, "f:x": {} } },
      "f:spec": { "f:containers": { 'k:{"name":"a"}': { "f:image": {} }, 'k:{"name":"b"}': { ".": {}, "f:image": {}, "f:name": {} } } },
    });
  });

  it("merges an applied configuration: keyed items by key, atomic lists replaced", () => {
    const live = { spec: { containers: [{ name: "a", image: "1", args: ["x"] }, { name: "b", image: "1" }] } };
    const cfg = { spec: { containers: [{ name: "b", image: "2" }, { name: "c", image: "3" }] } };
    expect(mergeApplied(live, cfg)).toEqual({ spec: { containers: [{ name: "a", image: "1", args: ["x"] }, { name: "b", image: "2" }, { name: "c", image: "3" }] } });
    expect(mergeApplied({ a: ["x", "y"] }, { a: ["z"] })).toEqual({ a: ["z"] });
  });
});

describe("managedFields", () => {
  const cm = (data: Record<string, string>, managedFields?: unknown): KObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", ...(managedFields ? { managedFields } : {}) }, data });

  it("moves changed fields to the writer and drops owners left with nothing", () => {
    const created = cm({ a: "1" });
    recordUpdate(CM, undefined, created, { manager: "one", apiVersion: "v1" });
    const next = { ...cm({ a: "2" }), metadata: { ...created.metadata } };
    recordUpdate(CM, created, next, { manager: "two", apiVersion: "v1" });
    expect((next.metadata.managedFields as { manager: string; fieldsV1: unknown }[]).map((e) => [e.manager, e.fieldsV1])).toEqual([
      ["one", { "f:data": {} }],
      ["two", { "f:data": { "f:a": {} } }],
    ]);
    // `[{}]` clears them, as upstream.
    const cleared = { ...next, metadata: { ...next.metadata, managedFields: [{}] } };
    recordUpdate(CM, next, cleared, { manager: "three", apiVersion: "v1" });
    expect(cleared.metadata.managedFields).toBeUndefined();
  });

  it("applies: conflicts name the other manager, force takes the field, a dropped field nobody owns goes", () => {
    const first = applyConfig(CM, undefined, cm({ a: "1", b: "1" }), { manager: "a", apiVersion: "v1" }, false);
    expect(() => applyConfig(CM, first, cm({ a: "2" }), { manager: "b", apiVersion: "v1" }, false)).toThrow('Apply failed with 1 conflict: conflict with "a": .data.a');
    const forced = applyConfig(CM, first, cm({ a: "2" }), { manager: "b", apiVersion: "v1" }, true);
    expect(forced.data).toEqual({ a: "2", b: "1" });
    const dropped = applyConfig(CM, forced, cm({}), { manager: "a", apiVersion: "v1" }, false);
    expect(dropped.data).toEqual({ a: "2" });
    expect((dropped.metadata.managedFields as { manager: string }[]).map((e) => e.manager)).toEqual(["b"]);
  });

  it("ignores status in an apply to the main resource", () => {
    const d: KObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: 1 }, status: { replicas: 5 } };
    const out = applyConfig(DEPLOY, undefined, d, { manager: "m", apiVersion: "apps/v1" }, false);
    expect(out.status).toBeUndefined();
    expect((out.metadata.managedFields as { fieldsV1: unknown }[])[0]!.fieldsV1).toEqual({ "f:spec": { "f:replicas": {} } });
  });
});
