// The plan is the dry run people read and the commands the runner issues; these pin its text.
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { nameMatcher, questionName } from "./dns-resolver";
import { planFault, type PlanContext } from "./plan";
import { runnerContainerName, runnerEphemeralContainer } from "./container";
import { admits, runnerRequirements } from "./requirements";
import { parseFaultSpec, type FaultSpec } from "./spec";

const ctx: PlanContext = {
  interfaces: ["eth0"],
  resolved: { "cart.shop.svc": ["10.96.4.2", "fd00::42"] },
  exemptions: [{ address: "10.96.0.1", port: 443 }],
  ports: { dns: 40001, dnsForward: 40002, http: 40003 },
};
const spec = (fault: unknown, durationSeconds = 60): FaultSpec =>
  parseFaultSpec(JSON.stringify({ id: "run1", durationSeconds, fault }));

describe("planFault", () => {
  it("drops a share of packets in the runner's own table, sparing the loopback and the way to the lease", () => {
    const plan = planFault(spec({ kind: "network-loss", percent: 30, direction: "both" }), ctx);
    expect(plan.nftRuleset).toBe(
      [
        "table inet pystol_run1 {",
        "\tchain fault_input {",
        "\t\ttype filter hook input priority -10; policy accept;",
        '\t\tiif "lo" accept',
        "\t\tip saddr 10.96.0.1 tcp sport 443 accept",
        "\t\tnumgen random mod 100 < 30 drop",
        "\t}",
        "",
        "\tchain fault_output {",
        "\t\ttype filter hook output priority -10; policy accept;",
        '\t\toif "lo" accept',
        "\t\tip daddr 10.96.0.1 tcp dport 443 accept",
        "\t\tnumgen random mod 100 < 30 drop",
        "\t}",
        "}",
        "",
      ].join("\n"),
    );
    expect(plan.nftRemove).toEqual(["nft", "delete", "table", "inet", "pystol_run1"]);
    expect(plan.tcApply).toEqual([]);
  });

  it("partitions from networks and resolved host names, IPv4 and IPv6 apart, outgoing only when asked", () => {
    const plan = planFault(
      spec({ kind: "network-partition", cidrs: ["10.0.0.0/8"], hosts: ["cart.shop.svc"], direction: "out" }),
      ctx,
    );
    expect(plan.nftRuleset).toContain("elements = { 10.0.0.0/8, 10.96.4.2 }");
    expect(plan.nftRuleset).toContain("elements = { fd00::42 }");
    expect(plan.nftRuleset).toContain("ip daddr @dst4 drop\n\t\tip6 daddr @dst6 drop");
    expect(plan.nftRuleset).not.toContain("hook input");
  });

  it("redirects lookups to the runner's resolver and lets its forwarded lookups through", () => {
    const plan = planFault(spec({ kind: "dns", patterns: ["*.shop.svc"], answer: "nxdomain" }), ctx);
    expect(plan.nftRuleset).toContain("type nat hook output priority -100; policy accept;");
    expect(plan.nftRuleset).toContain(
      "udp sport 40002 return\n\t\tmeta nfproto ipv4 udp dport 53 redirect to :40001",
    );
  });

  it("redirects requests arriving at the target's port to the proxy", () => {
    const plan = planFault(spec({ kind: "http", port: 8080, percent: 10, status: 503 }), ctx);
    expect(plan.nftRuleset).toContain("type nat hook prerouting priority -100;");
    expect(plan.nftRuleset).toContain("tcp dport 8080 redirect to :40003");
  });

  it("names latency and jitter as netem commands per interface, and their removal", () => {
    const plan = planFault(spec({ kind: "network-latency", latencyMs: 300, jitterMs: 40 }), ctx);
    expect(plan.tcApply).toEqual([
      [
        "tc",
        "qdisc",
        "add",
        "dev",
        "eth0",
        "root",
        "netem",
        "delay",
        "300ms",
        "40ms",
        "distribution",
        "normal",
      ],
    ]);
    expect(plan.tcRemove).toEqual([["tc", "qdisc", "del", "dev", "eth0", "root"]]);
    expect(
      planFault(spec({ kind: "network-latency", latencyMs: 100, interfaces: ["eth1"] }), ctx).tcApply,
    ).toEqual([["tc", "qdisc", "add", "dev", "eth1", "root", "netem", "delay", "100ms"]]);
    expect(plan.nftRuleset).toBeUndefined();
  });

  it("gives stress-ng a timeout past the duration, so pressure ends even if the runner is killed", () => {
    expect(planFault(spec({ kind: "cpu", cores: 2, percent: 50 }, 30), ctx).processes).toEqual([
      ["stress-ng", "--cpu", "2", "--cpu-load", "50", "--timeout", "35s", "--temp-path", "/tmp", "--quiet"],
    ]);
    expect(planFault(spec({ kind: "memory", bytes: 1 << 26 }, 9.5), ctx).processes).toEqual([
      [
        "stress-ng",
        "--vm",
        "1",
        "--vm-bytes",
        "67108864",
        "--vm-keep",
        "--vm-hang",
        "0",
        "--timeout",
        "15s",
        "--temp-path",
        "/tmp",
        "--quiet",
      ],
    ]);
  });
});

describe("the fault spec", () => {
  it("names each field that is wrong", () => {
    expect(() => parseFaultSpec("{")).toThrow("The fault spec is not JSON.");
    expect(() =>
      parseFaultSpec(JSON.stringify({ id: "Bad Id", durationSeconds: 0, fault: { kind: "cpu", cores: 0 } })),
    ).toThrow(
      /^The fault spec is not valid: id: Use 1 to 32 lower-case letters, digits or underscores\.; durationSeconds: .*; fault\.cores: /,
    );
    expect(() => spec({ kind: "network-partition" })).toThrow(
      "cidrs: Name at least one destination (a network or a host name).",
    );
    expect(() => spec({ kind: "http", port: 80, percent: 5 })).toThrow(
      "delayMs: Give a delay, an error status, or both.",
    );
    expect(() => spec({ kind: "process-kill", name: "app", pid: 7 })).toThrow(
      "name: Give either a process name or a process id.",
    );
    expect(() => spec({ kind: "dns", patterns: ["a.b"], answer: "slow" })).toThrow(
      "delayMs: Give the delay for slow answers.",
    );
  });
});

describe("DNS names", () => {
  it("matches patterns whose * stands for one or more labels, ignoring case and the final dot", () => {
    const m = nameMatcher(["*.shop.svc", "api.example.com"]);
    expect(["cart.shop.svc", "a.b.shop.svc.", "API.example.com"].map(m)).toEqual([true, true, true]);
    expect(["shop.svc", "cartshop.svc", "api.example.com.evil"].map(m)).toEqual([false, false, false]);
  });

  it("reads the question's name and refuses malformed messages", () => {
    const q = Buffer.from([
      0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 99, 97, 114, 116, 3, 115, 118, 99, 0, 0, 1, 0, 1,
    ]);
    expect(questionName(q)).toEqual({ name: "cart.svc", end: q.length });
    expect(questionName(q.subarray(0, 16))).toBeUndefined();
    expect(questionName(Buffer.alloc(5))).toBeUndefined();
  });
});

describe("PYSTOL_RUNNER_IMAGE", () => {
  it("defaults to the locally built image and refuses what is not an image reference", () => {
    expect(parseEnv({}).PYSTOL_RUNNER_IMAGE).toBe("pystol-fault-runner:local");
    expect(
      parseEnv({ PYSTOL_RUNNER_IMAGE: "registry.example.com:5000/pystol/fault-runner@sha256:ab12" })
        .PYSTOL_RUNNER_IMAGE,
    ).toBe("registry.example.com:5000/pystol/fault-runner@sha256:ab12");
    expect(() => parseEnv({ PYSTOL_RUNNER_IMAGE: "fault runner; rm -rf" })).toThrow(
      "PYSTOL_RUNNER_IMAGE: must be an image reference such as registry.example.com/pystol/fault-runner:1.0",
    );
  });
});

describe("runnerRequirements", () => {
  it("asks the privileged level for network faults, baseline for killing root's processes, restricted otherwise", () => {
    expect(runnerRequirements("network-loss")).toMatchObject({
      capabilities: ["NET_ADMIN"],
      root: true,
      podSecurity: "privileged",
    });
    expect(runnerRequirements("dns").podSecurity).toBe("privileged");
    expect(runnerRequirements("cpu")).toMatchObject({
      capabilities: [],
      root: false,
      podSecurity: "restricted",
    });
    expect(runnerRequirements("process-kill", true)).toMatchObject({
      capabilities: ["KILL"],
      sharesProcesses: true,
      podSecurity: "baseline",
    });
    expect(runnerRequirements("process-kill", false)).toMatchObject({
      capabilities: [],
      root: false,
      podSecurity: "restricted",
    });
  });

  it("admits a runner only where the namespace's enforced level is at least as loose", () => {
    expect(admits("privileged", "privileged")).toBe(true);
    expect(admits("baseline", "privileged")).toBe(false);
    expect(admits("restricted", "baseline")).toBe(false);
    expect(admits("baseline", "restricted")).toBe(true);
  });
});

describe("runnerEphemeralContainer", () => {
  const lease = {
    server: "https://10.96.0.1:443",
    namespace: "pystol",
    name: "run-1",
    token: "t0k",
    caPem: "PEM",
  };
  const base = {
    image: "registry.example.com/pystol/fault-runner:1",
    lease,
    targetContainer: "app",
    targetUid: 1000,
  };

  it("gives network faults NET_ADMIN as root and nothing else, in the pod's network only", () => {
    const c = runnerEphemeralContainer({ ...base, spec: spec({ kind: "network-loss", percent: 5 }) });
    expect(c.name).toBe("pystol-run1");
    expect(c.targetContainerName).toBeUndefined();
    expect(c.securityContext).toEqual({
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    expect(JSON.parse(env.PYSTOL_FAULT_SPEC ?? "")).toEqual(spec({ kind: "network-loss", percent: 5 }));
    expect(JSON.parse(env.PYSTOL_LEASE ?? "")).toEqual({
      kind: "kubernetes",
      server: lease.server,
      namespace: "pystol",
      name: "run-1",
    });
    expect(env.PYSTOL_LEASE_TOKEN).toBe("t0k");
  });

  it("runs CPU pressure as nobody, and a process kill as the target's user in its processes", () => {
    expect(
      runnerEphemeralContainer({ ...base, spec: spec({ kind: "cpu", cores: 1 }) }).securityContext,
    ).toMatchObject({
      runAsUser: 65534,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    const kill = runnerEphemeralContainer({ ...base, spec: spec({ kind: "process-kill", name: "app" }) });
    expect(kill.targetContainerName).toBe("app");
    expect(kill.securityContext).toMatchObject({
      runAsUser: 1000,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    const root = runnerEphemeralContainer({
      ...base,
      targetUid: 0,
      spec: spec({ kind: "process-kill", name: "app" }),
    });
    expect(root.securityContext).toMatchObject({
      runAsUser: 0,
      capabilities: { drop: ["ALL"], add: ["KILL"] },
    });
  });

  it("names the container as a DNS label", () => {
    expect(runnerContainerName({ id: "run_42_step_3" })).toBe("pystol-run-42-step-3");
  });
});
