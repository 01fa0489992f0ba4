import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp, SOCKET_ADDRESS_HEADER, trustedProxyHops } from "./client-ip";
import { stampSocketAddress } from "./socket-address.mjs";

const headers = (h: Record<string, string>) => (name: string) => h[name];

/** The header value server.mjs writes for a connection from `address`. */
function stamped(address: string): string {
  const req = { headers: {} as Record<string, string>, socket: { remoteAddress: address } };
  stampSocketAddress(req as unknown as http.IncomingMessage);
  return req.headers[SOCKET_ADDRESS_HEADER]!;
}

describe("clientIp", () => {
  it("with no proxy (the default), the connection's address; X-Forwarded-For changes nothing", () => {
    const h = headers({ [SOCKET_ADDRESS_HEADER]: stamped("198.51.100.7"), "x-forwarded-for": "6.6.6.6", "x-real-ip": "7.7.7.7" });
    expect(clientIp(h, 0)).toBe("198.51.100.7");
    expect(clientIp(h, trustedProxyHops(undefined))).toBe("198.51.100.7");
  });

  it("behind N proxies, the entry the outermost trusted proxy appended, not what the client claimed", () => {
    const s = { [SOCKET_ADDRESS_HEADER]: stamped("10.0.0.2") };
    expect(clientIp(headers({ ...s, "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), 1)).toBe("203.0.113.9");
    expect(clientIp(headers({ ...s, "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2" }), 2)).toBe("203.0.113.9");
    expect(clientIp(headers({ ...s, "x-forwarded-for": "203.0.113.9" }), 3)).toBe("203.0.113.9");
  });

  it("a request that bypassed the proxy (no chain) is its connection; nothing known is null", () => {
    expect(clientIp(headers({ [SOCKET_ADDRESS_HEADER]: stamped("::ffff:10.0.0.9"), "x-real-ip": "7.7.7.7" }), 1)).toBe("10.0.0.9");
    expect(clientIp(headers({ "x-forwarded-for": "6.6.6.6" }), 0)).toBeNull();
    expect(clientIp(headers({ "x-forwarded-for": " , " }), 1)).toBeNull();
  });

  it("ignores a socket-address header this process did not write (a server that does not stamp)", () => {
    expect(clientIp(headers({ [SOCKET_ADDRESS_HEADER]: "203.0.113.66" }), 0)).toBeNull();
    expect(clientIp(headers({ [SOCKET_ADDRESS_HEADER]: "0123456789abcdef 203.0.113.66" }), 0)).toBeNull();
    expect(clientIp(headers({ [SOCKET_ADDRESS_HEADER]: stamped("198.51.100.7") }), 0)).toBe("198.51.100.7");
  });

  it("reads the number of hops from the environment (default 0) and refuses nonsense", () => {
    expect(trustedProxyHops(undefined)).toBe(0);
    expect(trustedProxyHops("")).toBe(0);
    expect(trustedProxyHops("2")).toBe(2);
    expect(() => trustedProxyHops("-1")).toThrow(/PYSTOL_TRUSTED_PROXY_HOPS: an integer from 0 to 10/);
    expect(() => trustedProxyHops("many")).toThrow(/PYSTOL_TRUSTED_PROXY_HOPS/);
  });
});

// The piece of server.mjs that tells handlers the socket's address, on a real HTTP server.
describe("stampSocketAddress", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      stampSocketAddress(req);
      const ip = clientIp((n) => {
        const v = req.headers[n];
        return Array.isArray(v) ? v.join(", ") : v;
      }, 0);
      res.end(JSON.stringify({ ip }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("replaces a forged copy of its header and ignores X-Forwarded-For", async () => {
    const res = await fetch(base, { headers: { [SOCKET_ADDRESS_HEADER]: "203.0.113.66", "x-forwarded-for": "6.6.6.6" } });
    expect(await res.json()).toEqual({ ip: "127.0.0.1" });
    const plain = await fetch(base);
    expect(await plain.json()).toEqual({ ip: "127.0.0.1" });
  });
});
