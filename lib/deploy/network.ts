import type { KubeObject } from "./manifests";

// Who may connect to whom under a set of NetworkPolicies, with the semantics of
// networking.k8s.io/v1: a pod selected by no policy of a direction is open in that direction;
// once selected, only what some rule allows passes, and a connection needs both the source's
// egress and the destination's ingress. Peers here are pods of the namespace (by labels) and
// "outside" (anything that is not a pod of the namespace: visitors, other namespaces' pods).

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Port {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: Port[];
}
interface PolicySpec {
  podSelector?: Selector;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

export type Endpoint = { pod: Labels } | "outside";

function selects(sel: Selector | undefined, labels: Labels): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === "In" && !inValues) return false;
    if (e.operator === "NotIn" && inValues) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/** Whether a peer entry matches an endpoint (the policy's own namespace is the pods' namespace). */
function peerMatches(peer: Peer, who: Endpoint): boolean {
  if (peer.ipBlock) return who === "outside"; // addresses: anything outside the pod network here
  if (who === "outside") {
    // A namespaceSelector without podSelector admits every pod of the selected namespaces, which
    // includes other namespaces: "outside" as far as this namespace is concerned.
    return peer.namespaceSelector !== undefined && peer.podSelector === undefined;
  }
  if (peer.namespaceSelector !== undefined) return selects(peer.podSelector, who.pod); // any namespace, incl. this one
  return selects(peer.podSelector, who.pod);
}

function portMatches(ports: Port[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? "TCP") === protocol && (p.port === undefined || (typeof p.port === "number" && port >= p.port && port <= (p.endPort ?? p.port))));
}

function ruleAllows(rule: Rule, peers: Peer[] | undefined, who: Endpoint, port: number, protocol: string): boolean {
  const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(p, who));
  return peerOk && portMatches(rule.ports, port, protocol);
}

const specs = (objects: KubeObject[]) => objects.filter((o) => o.kind === "NetworkPolicy").map((o) => ((o as { spec?: PolicySpec }).spec ?? {}) as PolicySpec);
const types = (s: PolicySpec) => s.policyTypes ?? ((s.egress?.length ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"]);

/** Whether `from` may open a connection to `to` on a port (TCP unless said). */
export function allowed(objects: KubeObject[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  const policies = specs(objects);
  if (to !== "outside") {
    const ingress = policies.filter((s) => types(s).includes("Ingress") && selects(s.podSelector, to.pod));
    if (ingress.length > 0 && !ingress.some((s) => (s.ingress ?? []).some((r) => ruleAllows(r, r.from, from, port, protocol)))) return false;
  }
  if (from !== "outside") {
    const egress = policies.filter((s) => types(s).includes("Egress") && selects(s.podSelector, from.pod));
    if (egress.length > 0 && !egress.some((s) => (s.egress ?? []).some((r) => ruleAllows(r, r.to, to, port, protocol)))) return false;
  }
  return true;
}
