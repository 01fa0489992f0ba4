import { isIP } from "node:net";
import type { FieldCause } from "./errors";
import { isObject } from "./types";

// A NetworkPolicy's rules as upstream validates them (pkg/apis/networking/validation:
// ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer, ValidateIPBlock), with its messages:
// each port's protocol, number or name and end port; each peer names exactly one kind of peer
// (selectors may be combined, an ipBlock stands alone) and an ipBlock a valid CIDR.

type Obj = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const PROTOCOLS = ["TCP", "UDP", "SCTP"];
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function isCidr(v: unknown): boolean {
  if (typeof v !== "string") return false;
  const [addr, bits, ...rest] = v.split("/");
  const family = isIP(addr ?? "");
  if (rest.length || !family || !/^\d+$/.test(bits ?? "")) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function portCauses(p: Obj, at: string): FieldCause[] {
  const out: FieldCause[] = [];
  if (p.protocol !== undefined && !PROTOCOLS.includes(String(p.protocol)))
    out.push({ field: `${at}.protocol`, message: `Unsupported value: ${JSON.stringify(p.protocol)}: supported values: "TCP", "UDP", "SCTP"`, reason: "FieldValueNotSupported" });
  if (typeof p.port === "number") {
    if (p.port < 1 || p.port > 65535) out.push({ field: `${at}.port`, message: `Invalid value: ${p.port}: must be between 1 and 65535, inclusive` });
  } else if (typeof p.port === "string") {
    if (p.port.length > 15) out.push({ field: `${at}.port`, message: `Invalid value: ${JSON.stringify(p.port)}: must be no more than 15 characters` });
    if (!PORT_NAME.test(p.port)) out.push({ field: `${at}.port`, message: `Invalid value: ${JSON.stringify(p.port)}: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)` });
  }
  if (p.endPort !== undefined) {
    if (p.port === undefined) out.push({ field: `${at}.endPort`, message: `Invalid value: ${JSON.stringify(p.endPort)}: may not be specified when \`port\` is not specified` });
    else if (typeof p.port !== "number") out.push({ field: `${at}.endPort`, message: `Invalid value: ${JSON.stringify(p.endPort)}: may not be specified when \`port\` is non-numeric` });
    else if (typeof p.endPort === "number" && p.endPort < p.port) out.push({ field: `${at}.endPort`, message: `Invalid value: ${p.endPort}: must be greater than or equal to \`port\`` });
  }
  return out;
}

function peerCauses(peer: Obj, at: string): FieldCause[] {
  const kinds = ["podSelector", "namespaceSelector", "ipBlock"].filter((k) => isObject(peer[k]));
  if (kinds.length === 0) return [{ field: at, message: "Required value: must specify a peer", reason: "FieldValueRequired" }];
  if (kinds.length > 1 && kinds.includes("ipBlock")) return [{ field: at, message: "Forbidden: may not specify both ipBlock and another peer", reason: "FieldValueForbidden" }];
  const block = isObject(peer.ipBlock) ? peer.ipBlock : undefined;
  if (!block) return [];
  if (!block.cidr) return [{ field: `${at}.ipBlock.cidr`, message: "Required value", reason: "FieldValueRequired" }];
  if (!isCidr(block.cidr)) return [{ field: `${at}.ipBlock.cidr`, message: `Invalid value: ${JSON.stringify(block.cidr)}: must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)` }];
  return list(block.except).flatMap((e, k) =>
    isCidr(e) ? [] : [{ field: `${at}.ipBlock.except[${k}]`, message: `Invalid value: ${JSON.stringify(e)}: must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)` }],
  );
}

/** Causes for a NetworkPolicy's ingress and egress rules. */
export function networkPolicyRuleCauses(spec: Obj): FieldCause[] {
  const out: FieldCause[] = [];
  for (const [direction, peersKey] of [["ingress", "from"], ["egress", "to"]] as const)
    list(spec[direction]).forEach((r, i) => {
      const rule = isObject(r) ? r : {};
      list(rule.ports).forEach((p, j) => out.push(...portCauses(isObject(p) ? p : {}, `spec.${direction}[${i}].ports[${j}]`)));
      list(rule[peersKey]).forEach((p, j) => out.push(...peerCauses(isObject(p) ? p : {}, `spec.${direction}[${i}].${peersKey}[${j}]`)));
    });
  return out;
}
