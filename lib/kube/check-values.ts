import { X509Certificate, createPrivateKey } from "node:crypto";
import { type Place, refuse } from "./kubeconfig-error";

// Small typed readers for untrusted YAML values. Each refuses with the place it was given,
// and none repeats the offending value, since it may be a credential.

export type Mapping = Record<string, unknown>;

export function isMapping(v: unknown): v is Mapping {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

export function mapping(v: unknown, at: Place, what: string): Mapping {
  if (!isMapping(v)) refuse("invalid-value", at, `${what} must be a mapping`);
  return v;
}

export function list(v: unknown, at: Place, what: string): unknown[] {
  if (!Array.isArray(v)) refuse("invalid-value", at, `${what} must be a list`);
  return v;
}

/** A string without control characters (they would end up in HTTP headers or the UI). */
export function text(v: unknown, at: Place, what: string, max = 4096): string {
  if (typeof v !== "string") refuse("invalid-value", at, `${what} must be a string`);
  if (v.length === 0) refuse("invalid-value", at, `${what} must not be empty`);
  if (v.length > max) refuse("invalid-value", at, `${what} is longer than ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(v)) refuse("invalid-value", at, `${what} contains control characters`);
  return v;
}

export function optionalText(v: unknown, at: Place, what: string, max?: number): string | undefined {
  return v === undefined || v === null ? undefined : text(v, at, what, max);
}

/** `*-data` fields: strict base64 whose content is PEM of the expected kind. */
export function pemData(v: unknown, at: Place, kind: "certificate" | "private-key"): string {
  const rule = kind === "certificate" ? "invalid-certificate-data" : "invalid-key-data";
  if (typeof v !== "string" || v.length === 0) refuse(rule, at, "must be a non-empty base64 string");
  const compact = v.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    refuse(rule, at, "is not valid base64");
  }
  const pem = Buffer.from(compact, "base64").toString("latin1");
  try {
    if (kind === "certificate") {
      if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("not a certificate");
      new X509Certificate(pem);
    } else {
      if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) throw new Error("not a key");
      createPrivateKey(pem);
    }
  } catch {
    const expected = kind === "certificate" ? "a PEM certificate" : "a PEM private key";
    refuse(rule, at, `does not decode to ${expected}`);
  }
  return compact;
}

/** `extensions` lists are allowed in their documented shape and then dropped unread. */
export function extensions(v: unknown, at: Place): void {
  if (!Array.isArray(v)) refuse("invalid-extensions", at, "extensions must be a list of {name, extension}");
  v.forEach((item, i) => {
    const ok = isMapping(item) && typeof item.name === "string" && Object.keys(item).every(isExtensionKey);
    if (!ok) {
      refuse(
        "invalid-extensions",
        { path: `${at.path}[${i}]`, label: `${at.label}[${i}]` },
        "each extension must be {name, extension} and nothing else",
      );
    }
  });
}

function isExtensionKey(k: string): boolean {
  return k === "name" || k === "extension";
}
