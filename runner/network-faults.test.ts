// Network, DNS and HTTP faults for real: as root, in network namespaces made here, each fault
// takes effect and, ended by its duration, by SIGTERM or by a lost lease, leaves the namespace's
// ruleset, qdiscs and processes exactly as they were.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { skipReason, useNamespaces } from "./testing/fixture";
import { DEP_ADDR, DEP_ADDR_2, POD_ADDR } from "./testing/netns";
import { startRunner } from "./testing/start-runner";

describe.skipIf(skipReason !== undefined)("network, DNS and HTTP faults in network namespaces", () => {
  const { topo, expectUntouched } = useNamespaces();

  // A refused or dropped connection is waited for briefly; one that must work gets time enough
  // for a busy machine.
  const connect = (host: string, timeoutMs = 2000) =>
    topo.podAgent.call<{ ok: boolean; error?: string }>("tcp-connect", { host, port: 8080, timeoutMs });

  /** Datagrams that reached the dependency's sink so far, once none is still arriving. */
  const arrived = async () => {
    let last = -1;
    for (;;) {
      const { count, overflowed } = await topo.depAgent.call<{ count: number; overflowed: number }>(
        "udp-count",
        {
          port: 9999,
        },
      );
      if (count + overflowed === last) return last;
      last = count + overflowed;
      await sleep(100);
    }
  };

  it("partitions the pod from a destination and restores it when the duration ends", async () => {
    topo.renewLease();
    const r = startRunner(topo.pod, {
      spec: {
        id: "part",
        durationSeconds: 1.5,
        fault: { kind: "network-partition", cidrs: [`${DEP_ADDR}/32`] },
      },
      leaseFile: topo.leaseFile,
    });
    await r.waitFor("applied");
    expect(await connect(DEP_ADDR, 300)).toEqual({ ok: false, error: "timeout" });
    expect(await connect(DEP_ADDR_2)).toEqual({ ok: true });
    const ruleset = execFileSync("ip", [
      "netns",
      "exec",
      topo.pod,
      "nft",
      "list",
      "table",
      "inet",
      "pystol_part",
    ]).toString();
    expect(ruleset).toContain("10.77.0.2");

    expect((await r.exit).code).toBe(0);
    expect(r.lines.find((l) => l.event === "removed")).toMatchObject({ reason: "duration", errors: [] });
    expect(await connect(DEP_ADDR)).toEqual({ ok: true });
    expectUntouched();
  });

  it("partitions one direction: what the destination sends in is dropped", async () => {
    topo.renewLease();
    const r = startRunner(topo.pod, {
      spec: {
        id: "partin",
        durationSeconds: 30,
        fault: { kind: "network-partition", cidrs: [DEP_ADDR], direction: "in" },
      },
      leaseFile: topo.leaseFile,
    });
    await r.waitFor("applied");
    expect(await topo.depAgent.call("tcp-connect", { host: POD_ADDR, port: 8080, timeoutMs: 300 })).toEqual({
      ok: false,
      error: "timeout",
    });
    r.child.kill("SIGTERM");
    expect((await r.exit).code).toBe(0);
    expect(await topo.depAgent.call("tcp-connect", { host: POD_ADDR, port: 8080, timeoutMs: 2000 })).toEqual({
      ok: true,
    });
    expectUntouched();
  });

  it("drops about the asked share of packets and stops on SIGTERM", async () => {
    topo.renewLease();
    const r = startRunner(topo.pod, {
      spec: { id: "loss", durationSeconds: 30, fault: { kind: "network-loss", percent: 30 } },
      leaseFile: topo.leaseFile,
    });
    await r.waitFor("applied");
    const start = await arrived();
    await topo.podAgent.call("udp-send", { host: DEP_ADDR, port: 9999, count: 1000 });
    const received = (await arrived()) - start;
    // 30 % of 1000 has a standard deviation of about 14 packets; ±80 is more than five of them.
    expect(1000 - received).toBeGreaterThan(220);
    expect(1000 - received).toBeLessThan(380);

    r.child.kill("SIGTERM");
    expect((await r.exit).code).toBe(0);
    expect(r.lines.find((l) => l.event === "removed")).toMatchObject({ reason: "stopped", errors: [] });
    const again = await arrived();
    await topo.podAgent.call("udp-send", { host: DEP_ADDR, port: 9999, count: 200 });
    expect((await arrived()) - again).toBe(200);
    expectUntouched();
  });

  it("fails only the matching lookups and ends when the lease is no longer renewed", async () => {
    topo.renewLease(1);
    const r = startRunner(topo.pod, {
      spec: {
        id: "dns",
        durationSeconds: 30,
        fault: { kind: "dns", patterns: ["*.blocked.test"], answer: "nxdomain", upstream: DEP_ADDR },
      },
      leaseFile: topo.leaseFile,
    });
    await r.waitFor("applied");
    const lookup = (name: string) =>
      topo.podAgent.call<{ addresses?: string[]; error?: string }>("dns-lookup", { server: DEP_ADDR, name });
    expect(await lookup("api.blocked.test")).toEqual({ error: "ENOTFOUND" });
    expect(await lookup("deep.api.blocked.test")).toEqual({ error: "ENOTFOUND" });
    expect(await lookup("cart.shop.test")).toEqual({ addresses: [DEP_ADDR] });
    expect(await lookup("blocked.test")).toEqual({ addresses: [DEP_ADDR] });

    topo.stopRenewing();
    expect((await r.exit).code).toBe(0);
    expect(r.lines.find((l) => l.event === "ending")).toMatchObject({ reason: "lease" });
    expect(await lookup("api.blocked.test")).toEqual({ addresses: [DEP_ADDR] });
    expectUntouched();
  });

  it("answers SERVFAIL for matching lookups when asked", async () => {
    topo.renewLease();
    const r = startRunner(topo.pod, {
      spec: {
        id: "dnsfail",
        durationSeconds: 30,
        fault: { kind: "dns", patterns: ["cart.shop.test"], answer: "servfail", upstream: DEP_ADDR },
      },
      leaseFile: topo.leaseFile,
    });
    await r.waitFor("applied");
    expect(await topo.podAgent.call("dns-lookup", { server: DEP_ADDR, name: "cart.shop.test" })).toEqual({
      error: "ESERVFAIL",
    });
    topo.releaseLease();
    expect((await r.exit).code).toBe(0);
    expect(r.lines.find((l) => l.event === "ending")).toMatchObject({ reason: "lease" });
    expectUntouched();
  });

  it("answers matching lookups late, with the real answer, when asked for slow answers", async () => {
    topo.renewLease();
    const r = startRunner(topo.pod, {
      spec: {
        id: "dnsslow",
        durationSeconds: 30,
        fault: { kind: "dns", patterns: ["*.shop.test"], answer: "slow", delayMs: 400, upstream: DEP_ADDR },
      },
      leaseFile: topo.leaseFile,
    });
    await r.waitFor("applied");
    const started = performance.now();
    expect(await topo.podAgent.call("dns-lookup", { server: DEP_ADDR, name: "cart.shop.test" })).toEqual({
      addresses: [DEP_ADDR],
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    r.child.kill("SIGTERM");
    expect((await r.exit).code).toBe(0);
    expectUntouched();
  });

  it("answers an error for about the asked share of requests under the path prefix, and only those", async () => {
    topo.renewLease();
    const r = startRunner(topo.pod, {
      spec: {
        id: "http",
        durationSeconds: 30,
        fault: { kind: "http", port: 8080, pathPrefix: "/api", percent: 50, status: 503 },
      },
      leaseFile: topo.leaseFile,
    });
    await r.waitFor("applied");
    const batch = async (p: string, count: number) =>
      (
        await topo.depAgent.call<{ results: { status?: number; body?: string }[] }>("http-batch", {
          url: `http://${POD_ADDR}:8080${p}`,
          count,
          timeoutMs: 2000,
        })
      ).results;
    const api = await batch("/api/cart", 200);
    const failed = api.filter((x) => x.status === 503).length;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
    expect(api.filter((x) => x.status === 200).every((x) => x.body === "pod /api/cart")).toBe(true);
    expect((await batch("/health", 30)).every((x) => x.status === 200)).toBe(true);

    r.child.kill("SIGTERM");
    expect((await r.exit).code).toBe(0);
    expect((await batch("/api/cart", 20)).every((x) => x.status === 200)).toBe(true);
    expectUntouched();
  });

  it("delays requests by at least the asked time, to a server listening on the pod's address only", async () => {
    topo.renewLease();
    const r = startRunner(topo.pod, {
      spec: {
        id: "httpslow",
        durationSeconds: 30,
        fault: { kind: "http", port: 8081, percent: 100, delayMs: 300 },
      },
      leaseFile: topo.leaseFile,
    });
    await r.waitFor("applied");
    const results = (
      await topo.depAgent.call<{ results: { status?: number; body?: string; ms: number }[] }>("http-batch", {
        url: `http://${POD_ADDR}:8081/slow`,
        count: 5,
        timeoutMs: 5000,
      })
    ).results;
    expect(results.every((x) => x.status === 200 && x.body === "pod-only /slow" && x.ms >= 300)).toBe(true);
    topo.releaseLease();
    expect((await r.exit).code).toBe(0);
    expectUntouched();
  });

  it("plans latency and jitter as exact netem commands; on a kernel without netem it refuses and leaves nothing", async () => {
    const spec = {
      id: "lat",
      durationSeconds: 1,
      fault: { kind: "network-latency", latencyMs: 300, jitterMs: 50 },
    };
    const plan = JSON.parse(
      execFileSync(
        "ip",
        [
          "netns",
          "exec",
          topo.pod,
          process.execPath,
          path.join(import.meta.dirname, "dist/fault-runner.cjs"),
          "--plan",
        ],
        { env: { ...process.env, PYSTOL_FAULT_SPEC: JSON.stringify(spec) } },
      ).toString(),
    ) as {
      tcApply: string[][];
      tcRemove: string[][];
    };
    const dev = `pyfp${topo.suffix}`;
    expect(plan.tcApply).toEqual([
      ["tc", "qdisc", "add", "dev", dev, "root", "netem", "delay", "300ms", "50ms", "distribution", "normal"],
    ]);
    expect(plan.tcRemove).toEqual([["tc", "qdisc", "del", "dev", dev, "root"]]);

    topo.renewLease();
    const r = startRunner(topo.pod, { spec, leaseFile: topo.leaseFile });
    const { code } = await r.exit;
    if (code === 1) {
      expect(r.lines.find((l) => l.event === "not-started")?.msg).toMatch(
        /tc qdisc add dev .* netem .*qdisc kind is unknown/,
      );
    } else {
      // A kernel with netem: the fault held for its duration and was removed.
      expect(code).toBe(0);
    }
    expectUntouched();
  });

  it("resolves a partition's host names at start, and refuses one that does not resolve", async () => {
    topo.renewLease();
    const named = startRunner(topo.pod, {
      spec: {
        id: "parthost",
        durationSeconds: 0.3,
        fault: { kind: "network-partition", hosts: ["localhost"] },
      },
      leaseFile: topo.leaseFile,
    });
    expect((await named.exit).code).toBe(0);
    const plan = named.lines.find((l) => l.event === "plan")?.plan as { nftRuleset: string };
    expect(plan.nftRuleset).toContain("elements = { 127.0.0.1 }");

    const unknown = startRunner(topo.pod, {
      spec: {
        id: "parthost",
        durationSeconds: 5,
        fault: { kind: "network-partition", hosts: ["cart.nowhere.invalid"] },
      },
      leaseFile: topo.leaseFile,
    });
    expect((await unknown.exit).code).toBe(1);
    expect(unknown.lines.find((l) => l.event === "not-started")?.msg).toBe(
      "The host name cart.nowhere.invalid does not resolve, so the partition would not cut it off.",
    );
    topo.stopRenewing();
    expectUntouched();
  });
});
