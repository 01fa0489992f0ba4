import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { ClusterManager } from "./manager";
import { NODE, POD } from "./resources";
import { loadSnapshot, saveSnapshot } from "./snapshot";

const dir = mkdtempSync(path.join(tmpdir(), "snapshot-"));
const managers: ClusterManager[] = [];
afterAll(() => {
  for (const m of managers) m.close();
  rmSync(dir, { recursive: true, force: true });
});

it("gives pods and nodes made after a restore addresses the restored ones do not hold", () => {
  const before = new ClusterManager();
  const restored = new ClusterManager();
  managers.push(before, restored);
  const c = before.create({ seed: "demo" });
  const file = path.join(dir, "snapshot.ndjson");
  saveSnapshot(file, before, 7);
  expect(loadSnapshot(file, restored)).toEqual({ clusters: 1, seq: 7 });
  const r = restored.get(c.id)!;
  const pods = [...r.store.each(POD)] as { spec: { nodeName?: string; hostNetwork?: boolean }; status?: { podIP?: string; hostIP?: string } }[];
  const held = new Set(pods.filter((p) => !p.spec.hostNetwork).map((p) => p.status?.podIP));
  const nodes = [...new Set(pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n))];
  expect(nodes.length).toBeGreaterThan(2);
  for (const n of nodes) for (let i = 0; i < 3; i++) expect(held).not.toContain(r.podIp(n));
  const nodeIps = new Set([...r.store.each(NODE)].map((n) => r.nodeIp(n.metadata.name!)));
  expect(nodeIps).not.toContain(r.nodeIp("a-node-added-after-the-restore"));
});
