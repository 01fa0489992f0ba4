// Plain JavaScript, shared by server.mjs (which runs without a build step) and lib/audit.

/** The request header that carries the connection's remote address to route handlers and actions. */
export const SOCKET_ADDRESS_HEADER = "x-pystol-socket-address";

/**
 * Writes the TCP peer's address into SOCKET_ADDRESS_HEADER, first dropping any copy the
 * client sent, so that the header can only ever hold what the socket says. Route handlers
 * and server actions see request headers but not the socket; this is how they learn it.
 * @param {import("node:http").IncomingMessage} req
 */
export function stampSocketAddress(req) {
  delete req.headers[SOCKET_ADDRESS_HEADER];
  const address = req.socket.remoteAddress;
  if (address) req.headers[SOCKET_ADDRESS_HEADER] = address.startsWith("::ffff:") ? address.slice(7) : address;
}
