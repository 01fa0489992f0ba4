import { type Document, isScalar, visit } from "yaml";

/** Offset of the first explicit tag (`!!binary`, `!x`); the parser sets `tag` only for those. */
export function firstTag(doc: Document): number | null {
  let found: number | null = null;
  visit(doc, (_key, node) => {
    const n = node as { tag?: unknown; range?: [number, number, number] };
    if (typeof n.tag === "string" && n.tag.length > 0) {
      found = n.range?.[0] ?? 0;
      return visit.BREAK;
    }
  });
  return found;
}

/**
 * Offset of the first key repeated within one mapping. The parser's own `uniqueKeys`
 * compares every key with every other (quadratic: 24,000 keys cost 13 s of CPU), so this
 * uses one Set per mapping instead.
 */
export function firstDuplicateKey(doc: Document): number | null {
  let found: number | null = null;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = pair.key;
        const name = isScalar(k) ? String(k.value) : JSON.stringify(k);
        if (seen.has(name)) {
          found = (isScalar(k) ? k.range?.[0] : undefined) ?? map.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(name);
      }
    },
  });
  return found;
}
