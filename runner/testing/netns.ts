// Test topology for the fault runner: two network namespaces joined by a veth pair, one standing
// for the target pod and one for a dependency, each with an agent process that serves and makes
// requests from inside it. Everything is named with a random suffix and removed by `destroy`.
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

export const POD_ADDR = "10.77.0.1";
export const DEP_ADDR = "10.77.0.2";
/** A second address of the dependency, left outside partitions to show they are precise. */
export const DEP_ADDR_2 = "10.77.0.3";
export const RUNNER_BUNDLE = path.resolve(import.meta.dirname, "../dist/fault-runner.cjs");

/** Why namespace tests cannot run here, or undefined when they can. */
export function whyNoNamespaces(): string | undefined {
  if (process.getuid?.() !== 0)
    return "the fault runner's namespace tests need root (they create network namespaces)";
  const probe = spawnSync("ip", ["netns", "list"], { encoding: "utf8" });
  if (probe.status !== 0)
    return `\`ip netns\` is unavailable: ${probe.stderr || probe.error?.message || "unknown error"}`;
  return undefined;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] }).toString();

export class Agent {
  private nextId = 1;
  private readonly waiting = new Map<number, (v: Record<string, unknown>) => void>();
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    const lines = readline.createInterface({ input: child.stdout });
    let markReady: () => void = () => undefined;
    this.ready = new Promise((r) => (markReady = r));
    lines.on("line", (line) => {
      const msg = JSON.parse(line) as { id?: number; ready?: boolean };
      if (msg.ready) return markReady();
      if (msg.id !== undefined) this.waiting.get(msg.id)?.(msg);
    });
  }

  async call<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<Record<string, unknown>>((r) => this.waiting.set(id, r));
    this.child.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    const msg = await answer;
    this.waiting.delete(id);
    if (typeof msg.failed === "string") throw new Error(`agent ${op}: ${msg.failed}`);
    const { id: _id, ...rest } = msg;
    return rest as T;
  }
}

export class Topology {
  readonly suffix = randomBytes(3).toString("hex");
  readonly pod = `pyf-pod-${this.suffix}`;
  readonly dep = `pyf-dep-${this.suffix}`;
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "pystol-fault-"));
  readonly leaseFile = path.join(this.dir, "lease.json");
  podAgent!: Agent;
  depAgent!: Agent;
  private renewer: NodeJS.Timeout | undefined;

  async create(): Promise<void> {
    const [vp, vd] = [`pyfp${this.suffix}`, `pyfd${this.suffix}`];
    ip("netns", "add", this.pod);
    ip("netns", "add", this.dep);
    ip("link", "add", vp, "netns", this.pod, "type", "veth", "peer", "name", vd, "netns", this.dep);
    ip("-n", this.pod, "addr", "add", `${POD_ADDR}/24`, "dev", vp);
    ip("-n", this.dep, "addr", "add", `${DEP_ADDR}/24`, "dev", vd);
    ip("-n", this.dep, "addr", "add", `${DEP_ADDR_2}/24`, "dev", vd);
    for (const [ns, dev] of [
      [this.pod, vp],
      [this.dep, vd],
    ] as const) {
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "link", "set", dev, "up");
    }
    this.podAgent = this.agent(this.pod);
    this.depAgent = this.agent(this.dep);
    await Promise.all([this.podAgent.ready, this.depAgent.ready]);
  }

  private agent(ns: string): Agent {
    return new Agent(
      spawn("ip", ["netns", "exec", ns, process.execPath, path.join(import.meta.dirname, "agent.mjs")], {
        stdio: ["pipe", "pipe", "pipe"],
      }),
    );
  }

  /** The namespace's state that every fault must leave as it found it. */
  snapshot(): { ruleset: string; qdiscs: string; pids: string[] } {
    return {
      ruleset: execFileSync("ip", ["netns", "exec", this.pod, "nft", "list", "ruleset"]).toString(),
      qdiscs: execFileSync("ip", ["netns", "exec", this.pod, "tc", "qdisc", "show"])
        .toString()
        .replace(/refcnt \d+ /g, ""),
      pids: ip("netns", "pids", this.pod).trim().split("\n").filter(Boolean).sort(),
    };
  }

  /** Keeps the lease renewed (a Lease spec's fields, in a file) until `stopRenewing`. */
  renewLease(durationSeconds = 1): void {
    // Written whole and renamed into place, as an API server answers a whole object.
    const write = () => {
      writeFileSync(
        `${this.leaseFile}.new`,
        JSON.stringify({
          holderIdentity: "test-worker",
          renewTime: new Date().toISOString(),
          leaseDurationSeconds: durationSeconds,
        }),
      );
      renameSync(`${this.leaseFile}.new`, this.leaseFile);
    };
    write();
    this.stopRenewing();
    this.renewer = setInterval(write, 200);
  }

  stopRenewing(): void {
    if (this.renewer) clearInterval(this.renewer);
    this.renewer = undefined;
  }

  releaseLease(): void {
    this.stopRenewing();
    try {
      unlinkSync(this.leaseFile);
    } catch {
      // already released
    }
  }

  destroy(): void {
    this.stopRenewing();
    for (const a of [this.podAgent, this.depAgent]) a?.child.stdin.end();
    for (const a of [this.podAgent, this.depAgent]) a?.child.kill("SIGKILL");
    for (const ns of [this.pod, this.dep]) spawnSync("ip", ["netns", "del", ns]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
