// One namespace topology per test file: the runner bundled, the namespaces made and served,
// and their state recorded before the file's tests; everything removed after them.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { DEP_ADDR, POD_ADDR, Topology, whyNoNamespaces } from "./netns";
import { liveRunners } from "./start-runner";

/** Why the namespace tests are skipped here (said once per file), or undefined when they run. */
export const skipReason = whyNoNamespaces();
if (skipReason) console.warn(`Skipping the fault runner's namespace tests: ${skipReason}.`);

export function useNamespaces(): { topo: Topology; expectUntouched: () => void } {
  const topo = new Topology();
  let before: ReturnType<Topology["snapshot"]>;
  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(import.meta.dirname, "../build.mjs")]);
    await topo.create();
    await topo.depAgent.call("serve-http", { port: 8080, body: "dependency" });
    await topo.depAgent.call("serve-dns", { port: 53, address: DEP_ADDR });
    await topo.depAgent.call("udp-sink", { port: 9999 });
    await topo.podAgent.call("serve-http", { port: 8080, body: "pod" });
    await topo.podAgent.call("serve-http", { port: 8081, body: "pod-only", host: POD_ADDR });
    before = topo.snapshot();
  });
  // A test that failed midway leaves its runner holding a fault: stop it (SIGTERM removes the
  // fault) so that the next test starts from the namespace as it was.
  afterEach(async () => {
    for (const r of liveRunners) {
      r.child.kill("SIGTERM");
      const late = setTimeout(() => r.child.kill("SIGKILL"), 5_000);
      await r.exit;
      clearTimeout(late);
    }
  });
  afterAll(() => topo.destroy());
  // The namespace's ruleset, qdiscs and processes, exactly as before the file's first fault.
  return { topo, expectUntouched: () => expect(topo.snapshot()).toEqual(before) };
}
