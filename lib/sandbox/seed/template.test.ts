import { afterEach, describe, expect, it } from "vitest";
import type { VirtualCluster } from "../cluster";
import { ClusterManager } from "../manager";
import { deleteObject } from "../objects";
import { DEPLOYMENT, EVENT, POD, RESOURCES, typeKey } from "../resources";
import type { KObject } from "../types";
import { seedDemo } from "./demo";

// Demo clusters are copies of a settled template (seed/template.ts): each must be what seeding
// it on its own would have made, with uids of its own, and must live on like any other.
const fast = { podStartDelayMs: 10, podStopDelayMs: 10, restartBackoffMs: 50 };
let manager: ClusterManager;
afterEach(() => manager?.close());

const counts = (c: VirtualCluster) => Object.fromEntries(RESOURCES.filter((t) => !t.virtual && t !== EVENT).map((t) => [typeKey(t), c.store.count(t)]));
const objects = (c: VirtualCluster) => RESOURCES.filter((t) => !t.virtual).flatMap((t) => [...c.store.each(t)]);
const phase = (p: KObject) => (p.status as { phase?: string }).phase;

describe("demo clusters copied from a template", () => {
  it("hold what seeding makes, all pods running, with uids of their own that their owner references follow", () => {
    manager = new ClusterManager(fast);
    // b has options of its own, so it is copied from a template of its own.
    const [a, b] = [manager.create({ seed: "demo" }), manager.create({ seed: "demo", options: { events: false } })];
    const seeded = manager.create({ seed: "empty" });
    seedDemo(seeded);
    expect(counts(a)).toEqual(counts(seeded));
    expect(counts(b)).toEqual(counts(seeded));
    expect(a.store.count(POD)).toBeGreaterThan(20);
    expect([...a.store.each(POD)].every((p) => phase(p) === "Running" && p.status && (p.status as { podIP?: string }).podIP)).toBe(true);

    const uidsOf = (c: VirtualCluster) => new Set(objects(c).map((o) => o.metadata.uid!));
    const [ua, ub] = [uidsOf(a), uidsOf(b)];
    expect(ua.size).toBe(objects(a).length);
    expect([...ua].some((u) => ub.has(u))).toBe(false);
    for (const o of objects(a)) for (const ref of o.metadata.ownerReferences ?? []) expect(ua.has(ref.uid)).toBe(true);
    // Logs are kept by pod uid: every running container of the copy has its own.
    const p = [...a.store.each(POD)][0]!;
    const container = (p.spec as { containers: { name: string }[] }).containers[0]!.name;
    expect(a.logs.get(`${p.metadata.uid}/${container}`)?.length).toBeGreaterThan(0);
  });

  it("heal a killed pod like a seeded cluster, with an address no other pod has", async () => {
    manager = new ClusterManager(fast);
    const c = manager.create({ seed: "demo" });
    const frontend = () => [...c.store.each(POD)].filter((p) => p.metadata.namespace === "shop" && p.metadata.labels?.app === "frontend");
    const victim = frontend()[0]!;
    deleteObject(c, POD, "shop", victim.metadata.name!);
    const ready = () => (c.store.get(DEPLOYMENT, "shop", "frontend")!.status as { readyReplicas?: number }).readyReplicas;
    for (let i = 0; i < 300 && !(ready() === 3 && frontend().length === 3 && frontend().every((p) => phase(p) === "Running" && p.metadata.name !== victim.metadata.name)); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const now = frontend();
    expect(now.map((p) => phase(p))).toEqual(["Running", "Running", "Running"]);
    expect(now.some((p) => p.metadata.name === victim.metadata.name)).toBe(false);
    const ips = [...c.store.each(POD)].map((p) => (p.status as { podIP?: string }).podIP).filter(Boolean);
    expect(new Set(ips).size).toBe(ips.length);
    expect(ready()).toBe(3);
    // The copy's events say what happened to its own objects (the killed pod among them).
    const events = [...c.store.each(EVENT)];
    expect(events.length).toBeGreaterThan(0);
    const own = new Set([...objects(c).map((o) => o.metadata.uid), victim.metadata.uid]);
    for (const e of events) expect(own.has((e.involvedObject as { uid: string }).uid)).toBe(true);
  });
});
