// The headers every answer carries, and the Content-Security-Policy of pages. Scripts run only
// with this request's nonce (Next.js reads it from the request's CSP header and puts it on its
// own scripts) or when loaded by such a script ('strict-dynamic'); nothing may frame a page.

/** A fresh nonce for one page request: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * The policy for one page request. Development adds 'unsafe-eval' (React's dev build needs it
 * for stack traces) and nothing else; styles allow inline attributes, which carry no script.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    // Forms post here; sign-in with GitHub or Google continues on their pages.
    "form-action 'self' https://github.com https://accounts.google.com",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Headers for every answer (pages, API, redirects); HSTS only where the site is served over HTTPS. */
export function baseSecurityHeaders(opts: { https: boolean }): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    // For browsers that predate frame-ancestors; the API's JSON is not meant to be framed either.
    "x-frame-options": "DENY",
    ...(opts.https ? { "strict-transport-security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
