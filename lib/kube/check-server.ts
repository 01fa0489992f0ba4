import { isIP } from "node:net";
import { type AddressPolicy, checkAddress, describeRefusal } from "./address-guard";
import { type Place, refuse } from "./kubeconfig-error";

export type ServerRules = Pick<AddressPolicy, "allowHttp"> & Partial<AddressPolicy>;

/**
 * Checks `cluster.server` and returns it normalised (the WHATWG parser turns decimal, hex
 * and octal IPv4 forms into dotted quads, so the address rules see the real address).
 * Host names are checked again, after resolution, on every connection.
 */
export function checkServer(value: unknown, at: Place, rules: ServerRules): string {
  if (value === undefined || value === null || value === "") {
    refuse("missing-server", at, "the cluster has no server address");
  }
  if (typeof value !== "string" || value.length > 2048)
    refuse("invalid-server", at, "must be a URL such as https://host:6443");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    refuse("invalid-server", at, "is not a valid URL; expected something like https://host:6443");
  }
  if (url.protocol === "http:") {
    if (!rules.allowHttp)
      refuse("insecure-server", at, "plain http:// API servers are not accepted; use https://");
  } else if (url.protocol !== "https:") {
    refuse("invalid-server", at, `the scheme ${url.protocol.replace(":", "")} is not accepted; use https://`);
  }
  if (url.username || url.password) {
    refuse("server-userinfo", at, "the server URL must not carry a user name or password");
  }
  if (url.search || url.hash || value.includes("#") || value.includes("?")) {
    refuse("invalid-server", at, "the server URL must not have a query or fragment");
  }
  if (!url.hostname) refuse("invalid-server", at, "the server URL has no host");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && rules.allowed) {
    const verdict = checkAddress(host, {
      allowed: rules.allowed,
      allowedText: [],
      allowHttp: rules.allowHttp,
    });
    if (!verdict.allowed) refuse("server-address", at, describeRefusal(verdict));
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}
