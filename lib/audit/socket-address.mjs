// Plain JavaScript, shared by server.mjs (which runs without a build step) and lib/audit.
import { randomBytes } from "node:crypto";

/** The request header that carries the connection's remote address to route handlers and actions. */
export const SOCKET_ADDRESS_HEADER = "x-pystol-socket-address";

// A secret of this process, written with every address: the app trusts the header only when it
// carries it, so that under a server that does not stamp (`next start`, `next dev`) a header
// sent by the client proves nothing. Route handlers run in the process that stamped.
const SEAL_VARIABLE = "PYSTOL_SOCKET_ADDRESS_SEAL";

/**
 * Writes the TCP peer's address into SOCKET_ADDRESS_HEADER, first dropping any copy the
 * client sent, so that the header can only ever hold what the socket says. Route handlers
 * and server actions see request headers but not the socket; this is how they learn it.
 * @param {import("node:http").IncomingMessage} req
 */
export function stampSocketAddress(req) {
  delete req.headers[SOCKET_ADDRESS_HEADER];
  const address = req.socket.remoteAddress;
  if (!address) return;
  process.env[SEAL_VARIABLE] ??= randomBytes(16).toString("hex");
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  req.headers[SOCKET_ADDRESS_HEADER] = `${process.env[SEAL_VARIABLE]} ${plain}`;
}

/**
 * The address in a stamped header value, or null when the value was not written by
 * stampSocketAddress in this process.
 * @param {string | null | undefined} value
 * @returns {string | null}
 */
export function readSocketAddress(value) {
  const seal = process.env[SEAL_VARIABLE];
  if (!seal || !value) return null;
  const [given, address] = value.trim().split(" ");
  return given === seal && address ? address : null;
}
