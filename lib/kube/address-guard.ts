import { BlockList, isIP } from "node:net";
import { type AddressCategory, classifyIp, embeddedIPv4 } from "./ip-ranges";

export type { AddressCategory } from "./ip-ranges";

/** What the operator admits beyond the public internet; read from the environment. */
export interface AddressPolicy {
  /** Admitted CIDRs (`PYSTOL_KUBE_ALLOWED_CIDRS`, comma-separated; empty by default). */
  allowed: BlockList;
  allowedText: string[];
  /** Plain-HTTP API servers (`PYSTOL_KUBE_ALLOW_HTTP=true`; false by default). */
  allowHttp: boolean;
}

export interface AddressVerdict {
  address: string;
  category: AddressCategory;
  allowed: boolean;
}

/** Builds a policy from CIDR strings; throws naming the first one that does not parse. */
export function createAddressPolicy(cidrs: string[], allowHttp = false): AddressPolicy {
  const allowed = new BlockList();
  for (const raw of cidrs) {
    const cidr = raw.trim();
    if (!cidr) continue;
    const [net, bits] = cidr.split("/");
    const family = isIP(net ?? "");
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    const max = family === 4 ? 32 : 128;
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`PYSTOL_KUBE_ALLOWED_CIDRS: "${cidr}" is not a CIDR such as 10.0.0.0/8 or fd00::/8`);
    }
    allowed.addSubnet(net!, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return { allowed, allowedText: cidrs.map((c) => c.trim()).filter(Boolean), allowHttp };
}

let fromEnv: { key: string; policy: AddressPolicy } | undefined;

/** The policy from `PYSTOL_KUBE_ALLOWED_CIDRS` and `PYSTOL_KUBE_ALLOW_HTTP`. */
export function addressPolicyFromEnv(env: Record<string, string | undefined> = process.env): AddressPolicy {
  const cidrs = env.PYSTOL_KUBE_ALLOWED_CIDRS ?? "";
  const http = env.PYSTOL_KUBE_ALLOW_HTTP ?? "";
  const key = `${cidrs}|${http}`;
  if (fromEnv?.key !== key) {
    fromEnv = { key, policy: createAddressPolicy(cidrs.split(","), /^(1|true|yes)$/i.test(http)) };
  }
  return fromEnv.policy;
}

/**
 * Decides whether a connection may go to `address`. Public addresses pass; every other
 * category passes only when the operator's allowlist contains the address (for an IPv6
 * form that carries an IPv4 address, either form may be listed).
 */
export function checkAddress(address: string, policy: AddressPolicy): AddressVerdict {
  const plain = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  const category = classifyIp(plain);
  if (category === "public") return { address: plain, category, allowed: true };
  return { address: plain, category, allowed: isListed(plain, policy.allowed) };
}

function isListed(address: string, allowed: BlockList): boolean {
  const family = isIP(address) === 4 ? "ipv4" : "ipv6";
  if (allowed.check(address, family)) return true;
  const inner = family === "ipv6" ? embeddedIPv4(address) : null;
  return inner !== null && allowed.check(inner, "ipv4");
}

/** A sentence for a refused address, safe to show the person who uploaded the kubeconfig. */
export function describeRefusal(v: AddressVerdict): string {
  return `the API server address ${v.address} is a ${v.category.replace(/-/g, " ")} address, which this service does not connect to`;
}
