import { env } from "@/lib/env";

/** Where a person lands after signing in or up when the callback is missing or refused. */
export const DEFAULT_CALLBACK = "/";

/** The origin (scheme, host, port) the app is served from: NEXTAUTH_URL's. */
export function appOrigin(): string {
  return new URL(env().NEXTAUTH_URL).origin;
}

/**
 * A callback address reduced to a path on this site, or null when it points anywhere else.
 *
 * The value is parsed by the URL parser against the app's origin, exactly as a browser would
 * resolve it, and kept only when the result has that origin. String checks ("starts with one
 * slash") miss what browsers forgive: tabs and newlines are dropped ("/\t/evil" is "//evil"),
 * backslashes are slashes, and U+3002 is a dot in a host name. The path returned is then
 * parsed once more, because path normalisation can itself produce "//host" ("/.//host").
 */
export function sameSitePath(raw: unknown, origin: string = appOrigin()): string | null {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  try {
    if (new URL(path, origin).origin !== origin || !path.startsWith("/") || path.startsWith("//")) return null;
  } catch {
    return null;
  }
  return path;
}

/** sameSitePath with the safe default for anything refused. */
export function safeCallbackPath(raw: unknown, origin: string = appOrigin()): string {
  return sameSitePath(raw, origin) ?? DEFAULT_CALLBACK;
}

/**
 * next-auth's redirect callback: the absolute address on this site for a same-site `url`,
 * the site's root for anything else.
 */
export function redirectOnSite(url: string, baseUrl: string): string {
  const origin = new URL(baseUrl).origin;
  return `${origin}${safeCallbackPath(url, origin)}`;
}
