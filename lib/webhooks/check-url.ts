import { isIP } from "node:net";
import { addressCategoryPhrase, checkAddress, systemResolver, type AddressPolicy, type Resolver } from "@/lib/kube";

/**
 * Checks an endpoint URL when it is saved: https:// (http:// only where the installation
 * allows it), no credentials in it, and a host that does not resolve to an address the guard
 * refuses (loopback, private, link-local where cloud metadata answers, …). Delivery checks the
 * resolved address again on every attempt (guardedFetch), so a name that later points inward
 * is still refused. Returns the sentence saying what is wrong, or null.
 */
export async function checkEndpointUrl(raw: string, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter a full URL, such as https://example.com/hooks/pystol.";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowHttp)) {
    return url.protocol === "http:" ? "Use an https:// URL: this installation does not send webhooks over plain http." : "Use an https:// URL.";
  }
  if (url.username || url.password) return "The URL must not carry a user name or password.";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await withTimeout(resolve(host), 3000)).map((a) => a.address);
    } catch {
      return `The host ${host} could not be resolved; check the address.`;
    }
  }
  for (const address of addresses) {
    const verdict = checkAddress(address, policy);
    if (!verdict.allowed) return `${host} resolves to ${verdict.address}, ${addressCategoryPhrase(verdict.category)}: webhooks are only sent to public addresses.`;
  }
  return null;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout")), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
