const ALNUM = "bcdfghjklmnpqrstvwxz2456789";

/** The 5-character suffix Kubernetes appends to generateName (consonants and digits, as upstream). */
export function randomSuffix(n = 5): string {
  // Names, not secrets: Math.random is enough and far cheaper at 100,000 pods.
  let s = "";
  for (let i = 0; i < n; i++) s += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return s;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The upstream message for an invalid name, or null when it is valid. */
export function nameError(name: string, dnsLabel: boolean): string | null {
  if (dnsLabel) {
    if (name.length > 63) return "must be no more than 63 characters";
    if (!LABEL.test(name))
      return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    return null;
  }
  if (name.length > 253) return "must be no more than 253 characters";
  if (!SUBDOMAIN.test(name))
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  return null;
}

/** A short stable hash (FNV-1a, base-36), for pod-template-hash and controller revisions. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).replace(/[aeiou]/g, "x").slice(0, 10);
}

/** A number in [0,1) derived from a string, for deterministic simulated values. */
export function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 4294967296;
}

export const nowIso = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
export const isoAt = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
