import { UsageError } from "./context";

/**
 * `--param k=v` pairs as the action's parameters: a value that reads as JSON (a number,
 * true/false, an array) is taken as that, anything else as a string; `--params-json` gives
 * the whole object at once and the pairs override it.
 */
export function parseParams(pairs: string[] = [], json?: string): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (json !== undefined) {
    try {
      const parsed: unknown = JSON.parse(json);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      params = parsed as Record<string, unknown>;
    } catch {
      throw new UsageError("--params-json must be a JSON object, e.g. '{\"namespace\":\"shop\"}'");
    }
  }
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param takes name=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    params[key] = readValue(raw);
  }
  return params;
}

function readValue(raw: string): unknown {
  if (/^(-?\d+(\.\d+)?|true|false|null)$/.test(raw) || /^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}
