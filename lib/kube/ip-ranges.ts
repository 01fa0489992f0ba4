import { BlockList, isIP } from "node:net";

/** Why an address is not a public internet address; "public" when it is one. */
export type AddressCategory =
  | "public"
  | "loopback"
  | "link-local"
  | "private"
  | "carrier-grade-nat"
  | "multicast"
  | "unspecified"
  | "documentation"
  | "benchmarking"
  | "reserved";

// Ordered: the first matching range names the category. Sources: IANA IPv4 and IPv6
// special-purpose address registries (RFC 6890 and successors).
const V4: [string, number, AddressCategory][] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade-nat"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const V6: [string, number, AddressCategory][] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["64:ff9b:1::", 48, "private"],
  ["100::", 64, "reserved"],
  ["2001:2::", 48, "benchmarking"],
  ["2001:db8::", 32, "documentation"],
  ["2001::", 23, "reserved"],
  ["3fff::", 20, "documentation"],
  ["fc00::", 7, "private"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "private"],
  ["ff00::", 8, "multicast"],
];

function rangesFor(family: "ipv4" | "ipv6"): [BlockList, AddressCategory][] {
  const source = family === "ipv4" ? V4 : V6;
  return source.map(([net, prefix, cat]) => {
    const b = new BlockList();
    b.addSubnet(net, prefix, family);
    return [b, cat];
  });
}

const V4_LISTS = rangesFor("ipv4");
const V6_LISTS = rangesFor("ipv6");

/** Parses an IPv6 text form (with `::`, an embedded dotted quad, a zone) into 16 bytes. */
export function ipv6Bytes(address: string): Uint8Array | null {
  const plain = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  if (isIP(plain) !== 6) return null;
  let head = plain;
  const tail: number[] = [];
  const dotted = plain.match(/:(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    head = plain.slice(0, -dotted[1]!.length) + "0:0";
    tail.push(...dotted[1]!.split(".").map(Number));
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, undefined];
  const groups = (s: string | undefined) => (s ? s.split(":").filter((g) => g !== "") : []);
  const l = groups(left);
  const r = groups(right);
  const fill = right === undefined ? [] : new Array(8 - l.length - r.length).fill("0");
  const all = [...l, ...fill, ...r];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

function v4From(bytes: Uint8Array, offset: number): string {
  return Array.from(bytes.slice(offset, offset + 4)).join(".");
}

/**
 * The IPv4 address an IPv6 address carries, for the forms that route to it: IPv4-mapped
 * (::ffff:0:0/96), NAT64 well-known prefix (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function embeddedIPv4(address: string): string | null {
  const b = ipv6Bytes(address);
  if (!b) return null;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4From(b, 12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4From(b, 12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4From(b, 2);
  return null;
}

/** Classifies one IP address (v4, v6 or v4-in-v6); throws on anything that is not an IP. */
export function classifyIp(address: string): AddressCategory {
  const plain = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  const family = isIP(plain);
  if (family === 4) return V4_LISTS.find(([b]) => b.check(plain, "ipv4"))?.[1] ?? "public";
  if (family !== 6) throw new TypeError("not an IP address");
  const inner = embeddedIPv4(plain);
  if (inner) return classifyIp(inner);
  const hit = V6_LISTS.find(([b]) => b.check(plain, "ipv6"))?.[1];
  if (hit) return hit;
  // Only 2000::/3 is allocated as global unicast; everything else outside the ranges above
  // (IPv4-compatible ::/96, unassigned space) is not somewhere a cluster can live.
  const first = ipv6Bytes(plain)![0]!;
  return first >> 5 === 0b001 ? "public" : "reserved";
}
