import { describe, expect, it } from "vitest";
import { POD } from "./resources";
import { Store } from "./store";
import type { KObject } from "./types";

const pod = (name: string, node?: string): KObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns" }, spec: node ? { nodeName: node } : {} });

describe("store", () => {
  it("versions every write, caches JSON and indexes pods by node", () => {
    const s = new Store();
    const a = s.put(POD, pod("a", "n1"));
    const rv1 = Number(a.metadata.resourceVersion);
    const b = s.put(POD, { ...pod("a", "n2"), metadata: { ...a.metadata } });
    expect(Number(b.metadata.resourceVersion)).toBe(rv1 + 1);
    expect(a.metadata.resourceVersion).toBe(String(rv1));
    expect(s.podsByNode.get("n1")).toBeUndefined();
    expect(s.podsByNode.get("n2")?.size).toBe(1);
    const e = s.entry(POD, "ns", "a")!;
    expect(e.json()).toBe(e.json());
    expect(JSON.parse(e.json().toString()).spec.nodeName).toBe("n2");
  });

  it("replays history since a version and reports a compacted one as gone", () => {
    const s = new Store({ historySize: 4 });
    s.put(POD, pod("a"));
    const rv = s.rv;
    s.put(POD, pod("b"));
    s.remove(POD, "ns", "a");
    expect(s.eventsSince(rv, "pods")!.map((e) => `${e.type} ${e.obj.metadata.name}`)).toEqual(["ADDED b", "DELETED a"]);
    for (let i = 0; i < 5; i++) s.put(POD, pod(`x${i}`));
    expect(s.eventsSince(rv, "pods")).toBeNull();
    s.compact();
    expect(s.eventsSince(s.rv - 1, "pods")).toBeNull();
    expect(s.eventsSince(s.rv, "pods")).toEqual([]);
  });

  it("keeps entries sorted by namespace and name", () => {
    const s = new Store();
    for (const n of ["c", "a", "b"]) s.put(POD, pod(n));
    expect(s.sorted(POD).map((e) => e.obj.metadata.name)).toEqual(["a", "b", "c"]);
  });
});
