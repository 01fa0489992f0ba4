import { describe, expect, it } from "vitest";
import { addressCategoryPhrase, addressPolicyFromEnv, checkAddress, createAddressPolicy, describeRefusal } from "./address-guard";
import { classifyIp, embeddedIPv4 } from "./ip-ranges";

describe("classifyIp", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade-nat"],
    ["100.127.255.255", "carrier-grade-nat"],
    ["100.128.0.1", "public"],
    ["169.254.169.254", "link-local"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["192.0.0.8", "reserved"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["192.0.2.10", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.99", "documentation"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["2001:4860:4860::8888", "public"],
    ["2606:4700:4700::1111", "public"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::a00:1", "private"],
    ["64:ff9b::127.0.0.1", "loopback"],
    ["64:ff9b::8.8.8.8", "public"],
    ["2002:7f00:1::", "loopback"],
    ["2002:0808:0808::1", "public"],
    ["::127.0.0.1", "reserved"],
    ["2001::1", "reserved"],
    ["100::1", "reserved"],
    ["4000::1", "reserved"],
  ])("%s is %s", (ip, category) => {
    expect(classifyIp(ip)).toBe(category);
  });

  it("refuses things that are not IPs", () => {
    expect(() => classifyIp("localhost")).toThrow();
    expect(() => classifyIp("2130706433")).toThrow();
  });

  it("finds the IPv4 address inside mapped, NAT64 and 6to4 forms", () => {
    expect(embeddedIPv4("::ffff:10.0.0.1")).toBe("10.0.0.1");
    expect(embeddedIPv4("64:ff9b::c0a8:101")).toBe("192.168.1.1");
    expect(embeddedIPv4("2002:c0a8:0101::")).toBe("192.168.1.1");
    expect(embeddedIPv4("2001:4860::1")).toBeNull();
  });
});

describe("checkAddress", () => {
  it("admits only public addresses by default", () => {
    const policy = createAddressPolicy([]);
    expect(checkAddress("8.8.8.8", policy).allowed).toBe(true);
    expect(checkAddress("127.0.0.1", policy)).toEqual({
      address: "127.0.0.1",
      category: "loopback",
      allowed: false,
    });
    expect(checkAddress("[::1]", policy).allowed).toBe(false);
  });

  it("admits what the operator lists, in either form of a mapped address", () => {
    const policy = createAddressPolicy(["127.0.0.0/8", " 10.20.0.0/16", "fd00::/8"]);
    expect(checkAddress("127.0.0.1", policy).allowed).toBe(true);
    expect(checkAddress("::ffff:127.0.0.1", policy).allowed).toBe(true);
    expect(checkAddress("10.20.3.4", policy).allowed).toBe(true);
    expect(checkAddress("10.21.0.1", policy).allowed).toBe(false);
    expect(checkAddress("fd00::5", policy).allowed).toBe(true);
    expect(checkAddress("169.254.169.254", policy).allowed).toBe(false);
  });

  it("reads the environment and refuses a malformed CIDR by name", () => {
    const policy = addressPolicyFromEnv({
      PYSTOL_KUBE_ALLOWED_CIDRS: "192.168.0.0/16",
      PYSTOL_KUBE_ALLOW_HTTP: "true",
    });
    expect(policy.allowHttp).toBe(true);
    expect(checkAddress("192.168.5.5", policy).allowed).toBe(true);
    expect(addressPolicyFromEnv({}).allowHttp).toBe(false);
    expect(() => addressPolicyFromEnv({ PYSTOL_KUBE_ALLOWED_CIDRS: "10.0.0.0/33" })).toThrow(
      /10\.0\.0\.0\/33/,
    );
  });
});

describe("describeRefusal", () => {
  // One address of every category that is refused, and the words each sentence must use.
  const samples: [string, string][] = [
    ["127.0.0.1", "is a loopback address,"],
    ["169.254.169.254", "is a link-local address (where cloud metadata services answer),"],
    ["10.0.0.5", "is a private address,"],
    ["100.64.0.1", "is a carrier-grade NAT address,"],
    ["224.0.0.1", "is a multicast address,"],
    ["0.0.0.0", "is an unspecified address,"],
    ["192.0.2.1", "is an address reserved for documentation,"],
    ["198.18.0.1", "is an address reserved for benchmarking,"],
    ["240.0.0.1", "is a reserved address,"],
  ];

  it.each(samples)("names %s with the right article and spelling", (address, words) => {
    const sentence = describeRefusal(checkAddress(address, createAddressPolicy([])));
    expect(sentence).toContain(`the API server address ${address} ${words}`);
    expect(sentence).toMatch(/PYSTOL_KUBE_ALLOWED_CIDRS$/);
  });

  it("has a phrase for every category, none with a bare hyphenated id or a wrong article", () => {
    const categories = ["loopback", "link-local", "private", "carrier-grade-nat", "multicast", "unspecified", "documentation", "benchmarking", "reserved", "public"] as const;
    for (const c of categories) {
      const phrase = addressCategoryPhrase(c);
      expect(phrase).not.toMatch(/\ba [aeiou]/i);
      expect(phrase).not.toContain("carrier-grade-nat");
      expect(phrase).not.toMatch(/\bnat\b/);
    }
  });
});
