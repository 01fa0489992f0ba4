import { expect, it } from "vitest";
import { findResource } from "./resources";
import type { KObject } from "./types";
import { validateObject } from "./validate";

// A NetworkPolicy's rules are refused as upstream refuses them, with its field paths and words.

const NETPOL = findResource("networking.k8s.io", "v1", "networkpolicies")!;
const policy = (spec: Record<string, unknown>): KObject => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p", namespace: "default" }, spec: { podSelector: {}, ...spec } });
function refusal(o: KObject): string {
  try {
    validateObject(NETPOL, o);
    return "";
  } catch (err) {
    return (err as Error).message;
  }
}

it("accepts the rules Pystol's manifests use", () => {
  expect(
    refusal(
      policy({
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { a: "b" } } }, { namespaceSelector: {}, podSelector: {} }], ports: [{ protocol: "TCP", port: 6444 }, { port: "http" }] }],
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 30000, endPort: 32767 }, { protocol: "UDP", port: 53 }] }],
      }),
    ),
  ).toBe("");
});

it("refuses bad ports, empty or mixed peers and bad CIDRs, naming each", () => {
  expect(
    refusal(
      policy({
        ingress: [{ from: [{}, { ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }], ports: [{ protocol: "ICMP", port: 70000 }, { port: "http", endPort: 90 }, { port: 100, endPort: 90 }] }],
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }],
      }),
    ),
  ).toBe(
    'NetworkPolicy.networking.k8s.io "p" is invalid: [' +
      [
        'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
        "spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
        "spec.ingress[0].ports[2].endPort: Invalid value: 90: must be greater than or equal to `port`",
        "spec.ingress[0].from[0]: Required value: must specify a peer",
        "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
        'spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      ].join(", ") +
      "]",
  );
});
