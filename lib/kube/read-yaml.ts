import { LineCounter, parseAllDocuments } from "yaml";
import { KubeconfigError } from "./kubeconfig-error";
import { firstDuplicateKey, firstTag } from "./yaml-checks";

/** Largest kubeconfig accepted, in bytes; real ones are a few KiB even with several CAs. */
export const MAX_KUBECONFIG_BYTES = 256 * 1024;

// A handful of aliases is harmless; the limit counts expanded nodes, so a "billion laughs"
// document trips it long before it can allocate anything large.
const MAX_ALIAS_COUNT = 16;

// Real kubeconfigs nest a handful of levels. Deep `[[[[` input makes the YAML composer
// recurse until the stack gives out, which costs seconds of CPU before it is caught.
const MAX_FLOW_DEPTH = 64;

// The YAML parser handles ~100 KB/s of tiny entries; capping lines and commas keeps a
// worst-case upload to a fraction of a second. A large real kubeconfig has a few hundred.
const MAX_LINES_AND_COMMAS = 10_000;

/**
 * Turns untrusted bytes into one plain YAML value: size first (before any decoding), then
 * strict UTF-8, then exactly one document, unique keys, no unknown tags, bounded aliases.
 */
export function readYaml(input: string | Uint8Array): unknown {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > MAX_KUBECONFIG_BYTES) {
    fail("too-large", "", `the file is ${size} bytes; the limit is ${MAX_KUBECONFIG_BYTES} bytes (256 KiB)`);
  }
  let text: string;
  if (typeof input === "string") {
    text = input;
  } else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(input);
    } catch {
      fail("not-utf8", "", "the file is not valid UTF-8 text");
    }
  }
  if (text.trim() === "") fail("empty", "", "the file is empty");
  if (flowDepth(text) > MAX_FLOW_DEPTH) fail("yaml-too-complex", "", "the YAML nests too deeply");
  if (countOf(text, 0x0a) + countOf(text, 0x2c) > MAX_LINES_AND_COMMAS) {
    fail("yaml-too-complex", "", `the YAML has more than ${MAX_LINES_AND_COMMAS} lines and list entries`);
  }

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    schema: "core",
    merge: false,
    uniqueKeys: false,
    stringKeys: true,
    strict: true,
    prettyErrors: false,
  });
  if (!Array.isArray(docs) || docs.length === 0) fail("empty", "", "the file holds no YAML document");
  if (docs.length > 1) {
    fail("multiple-documents", "", `the file holds ${docs.length} YAML documents; upload exactly one`);
  }
  const doc = docs[0]!;
  for (const e of doc.errors) {
    const at = where(e.linePos?.[0]);
    if (e.code === "RESOURCE_EXHAUSTION") fail("yaml-too-complex", at, "the YAML nests too deeply");
    fail("yaml-syntax", at, `the YAML is not valid (${e.code})`);
  }
  for (const w of doc.warnings) {
    const at = where(w.linePos?.[0]);
    if (w.code === "TAG_RESOLVE_FAILED") fail("yaml-tag", at, "custom YAML tags are not accepted");
    fail("yaml-syntax", at, `the YAML is not accepted (${w.code})`);
  }
  const duplicate = firstDuplicateKey(doc);
  if (duplicate !== null)
    fail("duplicate-key", where(lineCounter.linePos(duplicate)), "a key appears twice in the same mapping");
  const tag = firstTag(doc);
  if (tag !== null) fail("yaml-tag", where(lineCounter.linePos(tag)), "explicit YAML tags are not accepted");
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      fail("yaml-alias-bomb", "", "the YAML uses aliases that expand too far (an alias bomb)");
    }
    fail("yaml-syntax", "", "the YAML could not be read");
  }
}

/**
 * Deepest `[`/`{` nesting, counting every bracket, even in strings and comments: skipping
 * those would need a YAML lexer, and no real kubeconfig has 64 open brackets anywhere.
 */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return max;
}

function countOf(text: string, code: number): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === code) n++;
  return n;
}

function where(pos: { line: number; col: number } | undefined): string {
  return pos ? `line ${pos.line}, column ${pos.col}` : "";
}

function fail(rule: string, at: string, message: string): never {
  throw new KubeconfigError(rule, at, at ? `${at}: ${message}` : message);
}
