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

// Each category with its article, as a sentence says it.
const CATEGORY_PHRASE: Record<Exclude<AddressCategory, "public">, string> = {
  loopback: "a loopback address",
  "link-local": "a link-local address (where cloud metadata services answer)",
  private: "a private address",
  "carrier-grade-nat": "a carrier-grade NAT address",
  multicast: "a multicast address",
  unspecified: "an unspecified address",
  documentation: "an address reserved for documentation",
  benchmarking: "an address reserved for benchmarking",
  reserved: "a reserved address",
};

/** "a loopback address", "an unspecified address", …: the category as a sentence says it. */
export function addressCategoryPhrase(category: AddressCategory): string {
  return category === "public" ? "a public address" : CATEGORY_PHRASE[category];
}

/**
 * A sentence for a refused address, safe to show the person who uploaded the kubeconfig: what
 * the address is, and what an operator can do when the cluster really lives there.
 */
export function describeRefusal(v: AddressVerdict): string {
  return (
    `the API server address ${v.address} is ${addressCategoryPhrase(v.category)}, which this service does not ` +
    `connect to unless its operator allows that range in PYSTOL_KUBE_ALLOWED_CIDRS`
  );
}
