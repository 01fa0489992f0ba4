import { describe, expect, it } from "vitest";
import { clientIp, trustedProxyHops } from "./client-ip";

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe("clientIp", () => {
  it("takes the address the nearest proxy appended, not what the client claimed", () => {
    expect(clientIp(headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), 1)).toBe("203.0.113.9");
    expect(clientIp(headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2" }), 2)).toBe("203.0.113.9");
  });

  it("uses the only entry when the chain is shorter than the hops", () => {
    expect(clientIp(headers({ "x-forwarded-for": "203.0.113.9" }), 3)).toBe("203.0.113.9");
  });

  it("falls back to X-Real-IP, then to nothing", () => {
    expect(clientIp(headers({ "x-real-ip": " 198.51.100.4 " }), 1)).toBe("198.51.100.4");
    expect(clientIp(headers({}), 1)).toBeNull();
    expect(clientIp(headers({ "x-forwarded-for": " , " }), 1)).toBeNull();
  });

  it("reads the number of hops from the environment and refuses nonsense", () => {
    expect(trustedProxyHops(undefined)).toBe(1);
    expect(trustedProxyHops("2")).toBe(2);
    expect(() => trustedProxyHops("0")).toThrow(/PYSTOL_TRUSTED_PROXY_HOPS/);
    expect(() => trustedProxyHops("many")).toThrow(/PYSTOL_TRUSTED_PROXY_HOPS/);
  });
});
