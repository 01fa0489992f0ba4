// What a fault does to the namespace, as exact commands, computed before anything is applied.
// The same plan is printed by `--plan` (the dry run) and executed by the runner, so what people
// read in a dry run is what happens. Every change lives in one nftables table of the runner's own
// or in a root qdisc it adds, so removal is `delete table` / `qdisc del` and nothing else moves.
import type { Direction, Fault, FaultSpec } from "./spec";

/** Traffic a network fault must never touch: the runner's own way to its lease. */
export interface Exemption {
  address: string;
  port: number;
}

/** Facts found at start that the plan depends on. */
export interface PlanContext {
  /** Interfaces of the namespace but the loopback (for netem). */
  interfaces: string[];
  /** Host names of a partition resolved to addresses. */
  resolved: Record<string, string[]>;
  exemptions: Exemption[];
  /** Ports of the runner's own DNS resolver and its forwarding socket, the HTTP proxy's port. */
  ports: { dns?: number; dnsForward?: number; http?: number };
}

export interface Plan {
  table: string;
  /** Input of `nft -f -`; absent when the fault needs no rules. */
  nftRuleset?: string;
  nftRemove?: string[];
  /** `tc` invocations in order, and those that undo them. */
  tcApply: string[][];
  tcRemove: string[][];
  /** Child processes the runner starts and kills at the end. */
  processes: string[][];
}

export function tableName(spec: Pick<FaultSpec, "id">): string {
  return `pystol_${spec.id}`;
}

const port = (p: number | undefined, name: string) => (p === undefined ? `<${name}>` : String(p));

function exemptRules(exemptions: Exemption[], hook: "input" | "output"): string[] {
  const rules = [hook === "output" ? `oif "lo" accept` : `iif "lo" accept`];
  for (const e of exemptions) {
    const family = e.address.includes(":") ? "ip6" : "ip";
    rules.push(
      hook === "output"
        ? `${family} daddr ${e.address} tcp dport ${e.port} accept`
        : `${family} saddr ${e.address} tcp sport ${e.port} accept`,
    );
  }
  return rules;
}

function chain(name: string, hook: string, priority: number, rules: string[], type = "filter"): string {
  const body = rules.map((r) => `\t\t${r}`).join("\n");
  return `\tchain ${name} {\n\t\ttype ${type} hook ${hook} priority ${priority}; policy accept;\n${body}\n\t}`;
}

const hooksOf = (d: Direction): ("input" | "output")[] =>
  d === "both" ? ["input", "output"] : d === "in" ? ["input"] : ["output"];

function filterChains(
  direction: Direction,
  exemptions: Exemption[],
  rulesFor: (hook: "input" | "output") => string[],
): string[] {
  // Priority -10 runs before the usual filter chains (0), so no accept of theirs hides the fault.
  return hooksOf(direction).map((hook) =>
    chain(`fault_${hook}`, hook, -10, [...exemptRules(exemptions, hook), ...rulesFor(hook)]),
  );
}

function networkRuleset(fault: Fault, ctx: PlanContext): string[] | undefined {
  switch (fault.kind) {
    case "network-loss":
      return filterChains(fault.direction, ctx.exemptions, () => [
        `numgen random mod 100 < ${fault.percent} drop`,
      ]);
    case "network-partition": {
      const all = [...fault.cidrs, ...fault.hosts.flatMap((h) => ctx.resolved[h] ?? [])];
      const v4 = all.filter((a) => !a.includes(":"));
      const v6 = all.filter((a) => a.includes(":"));
      const sets: string[] = [];
      if (v4.length > 0)
        sets.push(
          `\tset dst4 {\n\t\ttype ipv4_addr; flags interval;\n\t\telements = { ${v4.join(", ")} }\n\t}`,
        );
      if (v6.length > 0)
        sets.push(
          `\tset dst6 {\n\t\ttype ipv6_addr; flags interval;\n\t\telements = { ${v6.join(", ")} }\n\t}`,
        );
      const match = (hook: "input" | "output") => {
        const side = hook === "output" ? "daddr" : "saddr";
        return [
          ...(v4.length > 0 ? [`ip ${side} @dst4 drop`] : []),
          ...(v6.length > 0 ? [`ip6 ${side} @dst6 drop`] : []),
        ];
      };
      return [...sets, ...filterChains(fault.direction, ctx.exemptions, match)];
    }
    case "dns":
      // Lookups the target sends to port 53 go to the runner's resolver instead; its own
      // forwarding socket is let through so that forwarded lookups reach the real resolver.
      return [
        chain(
          "dns_redirect",
          "output",
          -100,
          [
            `udp sport ${port(ctx.ports.dnsForward, "dns-forward-port")} return`,
            `meta nfproto ipv4 udp dport 53 redirect to :${port(ctx.ports.dns, "dns-port")}`,
          ],
          "nat",
        ),
      ];
    case "http":
      // Requests arriving at the target's port go to the runner's proxy; the proxy's own
      // connections to the target start in the pod, which this chain does not see (prerouting
      // handles arriving packets only).
      return [
        chain(
          "http_redirect",
          "prerouting",
          -100,
          [`tcp dport ${fault.port} redirect to :${port(ctx.ports.http, "http-port")}`],
          "nat",
        ),
      ];
    default:
      return undefined;
  }
}

function tcCommands(fault: Fault, ctx: PlanContext): { apply: string[][]; remove: string[][] } {
  if (fault.kind !== "network-latency") return { apply: [], remove: [] };
  const interfaces = fault.interfaces ?? ctx.interfaces;
  const delay = [
    "delay",
    `${fault.latencyMs}ms`,
    ...(fault.jitterMs > 0 ? [`${fault.jitterMs}ms`, "distribution", "normal"] : []),
  ];
  return {
    apply: interfaces.map((dev) => ["tc", "qdisc", "add", "dev", dev, "root", "netem", ...delay]),
    remove: interfaces.map((dev) => ["tc", "qdisc", "del", "dev", dev, "root"]),
  };
}

function processCommands(spec: FaultSpec): string[][] {
  // stress-ng's own timeout outlives the duration slightly: if the runner is killed outright,
  // the pressure still ends by itself. Its temporary files go to /tmp: the working directory of
  // a container running as an unprivileged user is often not writable, and stress-ng refuses.
  const common = ["--timeout", `${Math.ceil(spec.durationSeconds) + 5}s`, "--temp-path", "/tmp", "--quiet"];
  const f = spec.fault;
  if (f.kind === "cpu")
    return [["stress-ng", "--cpu", String(f.cores), "--cpu-load", String(f.percent), ...common]];
  if (f.kind === "memory") {
    return [["stress-ng", "--vm", "1", "--vm-bytes", `${f.bytes}`, "--vm-keep", "--vm-hang", "0", ...common]];
  }
  return [];
}

/** The exact changes a fault makes, given what was found at start. */
export function planFault(spec: FaultSpec, ctx: PlanContext): Plan {
  const table = tableName(spec);
  const parts = networkRuleset(spec.fault, ctx);
  const tc = tcCommands(spec.fault, ctx);
  return {
    table,
    ...(parts
      ? {
          nftRuleset: `table inet ${table} {\n${parts.join("\n\n")}\n}\n`,
          nftRemove: ["nft", "delete", "table", "inet", table],
        }
      : {}),
    tcApply: tc.apply,
    tcRemove: tc.remove,
    processes: processCommands(spec),
  };
}
