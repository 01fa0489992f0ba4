// CPU, memory and process faults for real, and the runner's refusals and failures: as root, in
// network namespaces made here; after each, the namespace's ruleset, qdiscs and processes are
// exactly as they were.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { processesNamed } from "./processes";
import { skipReason, useNamespaces } from "./testing/fixture";
import { groupMembers, groupRssBytes, groupSchedSeconds } from "./testing/proc";
import { startRunner } from "./testing/start-runner";

describe.skipIf(skipReason !== undefined)(
  "resource and process faults, refusals and failures in network namespaces",
  () => {
    const { topo, expectUntouched } = useNamespaces();

    /** A process named `name` in the pod, restarted whenever it dies, as a kubelet restarts a container. */
    const startTarget = async (name: string) => {
      const binary = path.join(topo.dir, name);
      copyFileSync("/bin/sleep", binary);
      execFileSync("chmod", ["+x", binary]);
      const loop = await topo.podAgent.call<{ pid: number }>("spawn-loop", { binary, seconds: 60 });
      let pids: number[] = [];
      for (let i = 0; i < 20 && pids.length === 0; i++) {
        await sleep(50);
        pids = await processesNamed(name);
      }
      return {
        pids,
        async stop() {
          await topo.podAgent.call("stop-loop", { pid: loop.pid });
          for (const pid of await processesNamed(name)) process.kill(pid, "SIGKILL");
          for (let i = 0; i < 20 && (await processesNamed(name)).length > 0; i++) await sleep(50);
        },
      };
    };

    it("loads a core to the asked percent (measured from /proc) and ends its processes on SIGTERM", async () => {
      topo.renewLease();
      const r = startRunner(topo.pod, {
        spec: { id: "cpu", durationSeconds: 30, fault: { kind: "cpu", cores: 1, percent: 60 } },
        leaseFile: topo.leaseFile,
      });
      const [pgid = -1] = (await r.waitFor("applied")).pids ?? [];
      await sleep(300);
      const s0 = groupSchedSeconds(pgid);
      const t0 = performance.now();
      await sleep(1500);
      const s1 = groupSchedSeconds(pgid);
      const wall = (performance.now() - t0) / 1000;
      // Asked: 60 % of one core. It was running or ready to run at least about that share of the
      // time; it ran no more than that (plus a margin), whatever else the machine was doing.
      expect((s1.run - s0.run + s1.wait - s0.wait) / wall).toBeGreaterThan(0.45);
      expect((s1.run - s0.run) / wall).toBeLessThan(0.8);
      expect(s1.run - s0.run).toBeGreaterThan(0);

      r.child.kill("SIGTERM");
      expect((await r.exit).code).toBe(0);
      expect(groupMembers(pgid)).toEqual([]);
      expectUntouched();
    });

    it("ends and removes the rest of a fault whose process was killed from outside", async () => {
      topo.renewLease();
      const r = startRunner(topo.pod, {
        spec: { id: "cpugone", durationSeconds: 30, fault: { kind: "cpu", cores: 1, percent: 20 } },
        leaseFile: topo.leaseFile,
      });
      const [pgid = -1] = (await r.waitFor("applied")).pids ?? [];
      process.kill(-pgid, "SIGKILL");
      expect((await r.exit).code).toBe(0);
      expect(r.lines.find((l) => l.event === "ending")).toMatchObject({ reason: "fault process ended" });
      // Workers whose parent was killed outright are reaped by whoever adopts them (tini in the
      // image), not by the runner: give that a moment.
      for (let i = 0; i < 40 && groupMembers(pgid).length > 0; i++) await sleep(50);
      expect(groupMembers(pgid)).toEqual([]);
      expectUntouched();
    });

    it("holds the asked bytes of memory (RSS from /proc) until the duration ends", async () => {
      topo.renewLease();
      const bytes = 64 * 1024 * 1024;
      const r = startRunner(topo.pod, {
        spec: { id: "mem", durationSeconds: 3, fault: { kind: "memory", bytes } },
        leaseFile: topo.leaseFile,
      });
      const [pgid = -1] = (await r.waitFor("applied")).pids ?? [];
      let rss = 0;
      for (let i = 0; i < 28 && rss < bytes; i++) {
        await sleep(100);
        rss = groupRssBytes(pgid);
      }
      expect(rss).toBeGreaterThanOrEqual(bytes);
      expect(rss).toBeLessThan(bytes + 32 * 1024 * 1024);

      expect((await r.exit).code).toBe(0);
      expect(r.lines.find((l) => l.event === "removed")).toMatchObject({ reason: "duration" });
      expect(groupMembers(pgid)).toEqual([]);
      expectUntouched();
    });

    it("kills the named process in rounds, as often as asked", async () => {
      topo.renewLease();
      const name = `pyf-tgt-${topo.suffix}`;
      const target = await startTarget(name);
      const first = target.pids;
      expect(first).toHaveLength(1);

      const r = startRunner(topo.pod, {
        spec: {
          id: "kill",
          durationSeconds: 30,
          fault: { kind: "process-kill", name, rounds: 2, intervalSeconds: 0.5 },
        },
        leaseFile: topo.leaseFile,
      });
      expect((await r.exit).code).toBe(0);
      const rounds = r.lines.filter((l) => l.event === "round");
      expect(rounds).toHaveLength(2);
      expect(rounds[0]?.pids).toEqual(first);
      expect(rounds[1]?.pids).toHaveLength(1);
      expect(rounds[1]?.pids).not.toEqual(first);
      expect(r.lines.find((l) => l.event === "removed")).toMatchObject({ reason: "rounds done" });
      await target.stop();
      expectUntouched();
    });

    it("kills a process by its id", async () => {
      topo.renewLease();
      const target = await startTarget(`pyf-pid-${topo.suffix}`);
      const r = startRunner(topo.pod, {
        spec: {
          id: "killpid",
          durationSeconds: 30,
          fault: { kind: "process-kill", pid: target.pids[0], signal: "SIGTERM" },
        },
        leaseFile: topo.leaseFile,
      });
      expect((await r.exit).code).toBe(0);
      expect(r.lines.filter((l) => l.event === "round").map((l) => l.pids)).toEqual([target.pids]);
      await target.stop();
      expectUntouched();
    });

    it("runs CPU pressure as an unprivileged user, and refuses a network fault without CAP_NET_ADMIN", async () => {
      chmodSync(topo.dir, 0o755);
      topo.renewLease();
      const r = startRunner(topo.pod, {
        spec: { id: "cpuuser", durationSeconds: 30, fault: { kind: "cpu", cores: 1, percent: 20 } },
        leaseFile: topo.leaseFile,
        uid: 65534,
      });
      const [pgid = -1] = (await r.waitFor("applied")).pids ?? [];
      const uids = groupMembers(pgid).map(
        (pid) => /Uid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1],
      );
      expect(uids.length).toBeGreaterThan(0);
      expect(new Set(uids)).toEqual(new Set(["65534"]));
      r.child.kill("SIGTERM");
      expect((await r.exit).code).toBe(0);

      const net = startRunner(topo.pod, {
        spec: { id: "netuser", durationSeconds: 5, fault: { kind: "network-loss", percent: 10 } },
        leaseFile: topo.leaseFile,
        uid: 65534,
      });
      expect((await net.exit).code).toBe(1);
      expect(net.lines.find((l) => l.event === "not-started")?.msg).toBe(
        "nft -f - failed (exit 1): netlink: Error: cache initialization failed: Operation not permitted",
      );
      expectUntouched();
    });

    it("says so and exits 3 when its change cannot be removed", async () => {
      // An nft that refuses to delete stands for a removal the kernel refuses.
      const bin = path.join(topo.dir, "bin");
      mkdirSync(bin, { recursive: true });
      writeFileSync(
        path.join(bin, "nft"),
        '#!/bin/sh\nif [ "$1" = delete ]; then echo "Error: Operation not permitted" >&2; exit 1; fi\nexec /usr/sbin/nft "$@"\n',
        { mode: 0o755 },
      );
      topo.renewLease();
      const r = startRunner(topo.pod, {
        spec: { id: "stuck", durationSeconds: 0.5, fault: { kind: "network-loss", percent: 5 } },
        leaseFile: topo.leaseFile,
        env: { PATH: `${bin}:${process.env.PATH ?? ""}` },
      });
      expect((await r.exit).code).toBe(3);
      expect(r.lines.find((l) => l.event === "removal-failed")?.msg).toBe(
        "The fault ended (0.5 s passed) but could not be fully removed: nftables table pystol_stuck: nft delete table inet pystol_stuck failed (exit 1): Error: Operation not permitted",
      );
      execFileSync("ip", ["netns", "exec", topo.pod, "nft", "delete", "table", "inet", "pystol_stuck"]);
      expectUntouched();
    });

    it("refuses to start without a held lease, with an invalid spec, or over a table an earlier runner left", async () => {
      topo.releaseLease();
      const spec = { id: "refuse", durationSeconds: 5, fault: { kind: "network-loss", percent: 10 } };
      const noLease = startRunner(topo.pod, { spec, leaseFile: topo.leaseFile });
      expect((await noLease.exit).code).toBe(1);
      expect(noLease.lines.find((l) => l.event === "not-started")?.msg).toBe(
        "Not starting: lease released: the lease file was removed.",
      );

      const invalid = startRunner(topo.pod, {
        spec: { ...spec, fault: { kind: "network-loss", percent: 150 } },
        leaseFile: topo.leaseFile,
      });
      expect((await invalid.exit).code).toBe(2);
      expect(invalid.lines.find((l) => l.event === "invalid")?.msg).toMatch(
        /^The fault spec is not valid: fault.percent: /,
      );

      const unleased = startRunner(topo.pod, { spec });
      expect((await unleased.exit).code).toBe(2);
      expect(unleased.lines.find((l) => l.event === "invalid")?.msg).toMatch(/PYSTOL_LEASE is not set/);

      execFileSync("ip", ["netns", "exec", topo.pod, "nft", "add", "table", "inet", "pystol_refuse"]);
      topo.renewLease();
      const leftover = startRunner(topo.pod, { spec, leaseFile: topo.leaseFile });
      expect((await leftover.exit).code).toBe(1);
      expect(leftover.lines.find((l) => l.event === "not-started")?.msg).toMatch(
        /already exists .* --cleanup/,
      );
      const cleaned = startRunner(topo.pod, { spec, args: ["--cleanup"] });
      expect((await cleaned.exit).code).toBe(0);
      expect(cleaned.lines.find((l) => l.event === "cleaned")).toMatchObject({
        removed: ["nftables table pystol_refuse"],
      });
      topo.stopRenewing();
      expectUntouched();
    });
  },
);
