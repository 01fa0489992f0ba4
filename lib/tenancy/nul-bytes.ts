// PostgreSQL text cannot hold the character U+0000: a value carrying one fails the query
// (SQLSTATE 22021) and would surface as a 500. Every input that reaches a query is checked
// for it at the boundary: API path values in withTeamRoute, API queries and JSON bodies in
// lib/api, and every page address and server-action form in proxy.ts (lib/http).

/** True when the text holds a NUL character. */
export function hasNul(text: string): boolean {
  return text.includes("\u0000");
}

/**
 * The first place in a parsed JSON value (keys included) whose text holds a NUL, as a dotted
 * path ("" for the value itself), or null. Depth-limited: deeper values are reported at the limit.
 */
export function findNul(value: unknown, path = "", depth = 0): string | null {
  if (typeof value === "string") return hasNul(value) ? path : null;
  if (value === null || typeof value !== "object") return null;
  if (depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    const p = path ? `${path}.${k}` : k;
    if (hasNul(k)) return p;
    const found = findNul(v, p, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
