// Text on a shared page comes from a cluster and a worker: error messages can carry the API
// server's address, and nothing guarantees a log line holds no credential. Everything shown to
// the public passes through here.

const REDACTED = "[redacted]";

const PATTERNS: RegExp[] = [
  // URLs of any scheme (API server addresses, webhooks).
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi,
  // IPv4 addresses, with or without a port.
  /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g,
  // Bracketed IPv6 addresses with a port, and bare IPv6 addresses with several groups.
  /\[[0-9a-f:]+\](?::\d{1,5})?/gi,
  /\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b/gi,
  // host:port pairs (a kubeconfig server without scheme).
  /\b[a-z0-9-]+(?:\.[a-z0-9-]+)+:\d{2,5}\b/gi,
  // E-mail addresses.
  /\b[^\s@<>"']+@[^\s@<>"']+\.[a-z]{2,}\b/gi,
  // Pystol tokens and bearer credentials.
  /\b(?:pst|shr|inv)_[A-Za-z0-9_-]{16,}/g,
  /\bbearer\s+[A-Za-z0-9._~+/=-]+/gi,
  // Base64 blobs long enough to be certificate or key data.
  /[A-Za-z0-9+/]{80,}={0,2}/g,
];

/**
 * Replaces anything that looks like an address, e-mail, token or key material with
 * "[redacted]"; `known` adds exact strings that must never appear (the cluster's host).
 */
export function redactText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const k of known) if (k.length >= 3) out = out.split(k).join(REDACTED);
  for (const re of PATTERNS) out = out.replace(re, REDACTED);
  return out;
}

/** Redacts every string inside a JSON value (keys included), keeping its shape. */
export function redactJson(value: unknown, known: readonly string[] = []): unknown {
  if (typeof value === "string") return redactText(value, known);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, known));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k, known), redactJson(v, known)]));
  }
  return value;
}
