// npm run bench:faults — the fault runner's own CPU and memory while it holds each fault, in
// the namespace setting of its tests (root: two network namespaces joined by a veth pair, the
// runner started inside the "pod" one as a cluster starts it inside the target pod). For the
// DNS and HTTP faults, whose runner carries traffic, lookups and requests flow during the window.
// The stress-ng processes of CPU and memory faults are the fault itself and are reported apart.
// Start-to-effect and abort-to-gone times of fault runs against the sandbox are the second half
// of the command: scripts/bench-fault-runs.ts.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DEP_ADDR, POD_ADDR, Topology, whyNoNamespaces } from "../runner/testing/netns";
import { cpuSeconds, groupRssBytes, groupSchedSeconds, memoryBytes } from "../runner/testing/proc";
import { startRunner } from "../runner/testing/start-runner";

const WINDOW_MS = Number(process.env.BENCH_FAULT_WINDOW_MS ?? 3000);

const why = whyNoNamespaces();
if (why) {
  console.error(`bench:faults cannot run: ${why}.`);
  process.exit(1);
}
execFileSync(process.execPath, [path.join(import.meta.dirname, "../runner/build.mjs")]);

const topo = new Topology();
await topo.create();
await topo.depAgent.call("serve-http", { port: 8080, body: "dependency" });
await topo.depAgent.call("serve-dns", { port: 53, address: DEP_ADDR });
await topo.depAgent.call("udp-sink", { port: 9999 });
await topo.podAgent.call("serve-http", { port: 8080, body: "pod" });
topo.renewLease(5);

interface Case {
  name: string;
  fault: Record<string, unknown>;
  /** Traffic through the fault during the window; returns what it did, for the table. */
  load?: () => Promise<string>;
}

const loadUntil = async (deadline: number, batch: () => Promise<number>): Promise<number> => {
  let n = 0;
  while (performance.now() < deadline) n += await batch();
  return n;
};

const cases: Case[] = [
  {
    name: "network-partition (1 CIDR, both ways)",
    fault: { kind: "network-partition", cidrs: [`${DEP_ADDR}/32`] },
  },
  {
    name: "network-loss 30 %",
    fault: { kind: "network-loss", percent: 30 },
    load: async () => {
      await topo.podAgent.call("udp-send", { host: DEP_ADDR, port: 9999, count: 5000 });
      return "5000 UDP packets (dropped in the kernel)";
    },
  },
  {
    name: "dns nxdomain for *.blocked.test",
    fault: { kind: "dns", patterns: ["*.blocked.test"], answer: "nxdomain", upstream: DEP_ADDR },
    load: async () => {
      const deadline = performance.now() + WINDOW_MS - 200;
      const n = await loadUntil(deadline, async () => {
        await topo.podAgent.call("dns-batch", {
          server: DEP_ADDR,
          names: ["a.blocked.test", "cart.shop.test"],
          count: 50,
        });
        return 50;
      });
      return `${n} lookups through the runner (half failed, half passed on)`;
    },
  },
  {
    name: "http 503 for 50 % under /api",
    fault: { kind: "http", port: 8080, pathPrefix: "/api", percent: 50, status: 503 },
    load: async () => {
      const deadline = performance.now() + WINDOW_MS - 200;
      const n = await loadUntil(deadline, async () => {
        await topo.depAgent.call("http-batch", {
          url: `http://${POD_ADDR}:8080/api/cart`,
          count: 50,
          timeoutMs: 2000,
        });
        return 50;
      });
      return `${n} requests through the runner's proxy`;
    },
  },
  { name: "cpu 1 core at 50 %", fault: { kind: "cpu", cores: 1, percent: 50 } },
  { name: "memory 256 MiB", fault: { kind: "memory", bytes: 256 * 1024 * 1024 } },
];

const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
const rows: string[] = [];
for (const c of cases) {
  const r = startRunner(topo.pod, {
    spec: { id: "bench", durationSeconds: 60, fault: c.fault },
    leaseFile: topo.leaseFile,
  });
  const applied = await r.waitFor("applied");
  const pid = r.child.pid ?? -1;
  const [pgid] = applied.pids ?? [];
  await sleep(300);
  const cpu0 = cpuSeconds(pid);
  const sched0 = pgid ? groupSchedSeconds(pgid) : { run: 0, wait: 0 };
  const t0 = performance.now();
  const [did] = await Promise.all([c.load?.() ?? Promise.resolve("none"), sleep(WINDOW_MS)]);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = ((cpuSeconds(pid) - cpu0) / seconds) * 100;
  const mem = memoryBytes(pid);
  const sched1 = pgid ? groupSchedSeconds(pgid) : { run: 0, wait: 0 };
  const pct = (x: number) => `${((x / seconds) * 100).toFixed(0)} %`;
  const ran = sched1.run - sched0.run;
  const faultCpu = pgid
    ? `ran ${pct(ran)}, asked ${pct(ran + sched1.wait - sched0.wait)} of a core; ${mib(groupRssBytes(pgid))} MiB`
    : "—";
  r.child.kill("SIGTERM");
  const { code } = await r.exit;
  if (code !== 0) throw new Error(`the runner for ${c.name} exited with ${String(code)}`);
  rows.push(
    `| ${c.name} | ${cpu.toFixed(1)} % | ${mib(mem.rss)} MiB (peak ${mib(mem.peak)}) | ${faultCpu} | ${did} |`,
  );
  console.error(`${c.name}: done`);
}
topo.destroy();

const load = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(" / ");
console.log(
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, linux ${os.release()}; load average at the end ${load}`,
);
console.log(
  `Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; window ${WINDOW_MS} ms per fault`,
);
console.log("");
console.log(
  "| fault held | runner CPU (of one core) | runner memory (RSS) | the fault's own processes | traffic during the window |",
);
console.log("| --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
