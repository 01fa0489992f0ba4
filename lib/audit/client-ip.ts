import { z } from "zod";
import { readSocketAddress, SOCKET_ADDRESS_HEADER } from "./socket-address.mjs";

export { SOCKET_ADDRESS_HEADER };

// How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default): none,
// the web app is reached directly and the client's address is the connection's own; any
// X-Forwarded-For is the client's own writing and proves nothing. N: the client's address is the
// entry N places from the right, the one the outermost trusted proxy appended; entries further
// left were written by the client.
const hopsSchema = z.coerce.number().int().min(0).max(10).default(0);

export function trustedProxyHops(value: string | undefined = process.env.PYSTOL_TRUSTED_PROXY_HOPS): number {
  const parsed = hopsSchema.safeParse(value === "" ? undefined : value);
  if (!parsed.success) throw new Error("Invalid environment:\n  PYSTOL_TRUSTED_PROXY_HOPS: an integer from 0 to 10");
  return parsed.data;
}

/**
 * The caller's address, used for per-address limits and the audit trail: with no trusted
 * proxy, the connection's remote address (which server.mjs writes into SOCKET_ADDRESS_HEADER,
 * sealed, after dropping any copy the client sent); behind N proxies, the X-Forwarded-For entry
 * N places from the right. Null only when the app runs without server.mjs and no proxy.
 */
export function clientIp(get: (name: string) => string | null | undefined, hops = trustedProxyHops()): string | null {
  const socket = readSocketAddress(get(SOCKET_ADDRESS_HEADER));
  if (hops === 0) return socket ? socket.slice(0, 64) : null;
  const chain = (get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // A request with no chain at all did not come through the proxy: its connection is the client.
  const ip = chain.length > 0 ? chain[Math.max(0, chain.length - hops)] : socket;
  return ip ? ip.slice(0, 64) : null;
}
