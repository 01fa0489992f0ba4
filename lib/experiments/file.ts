import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Node, type YAMLError } from "yaml";
import { z } from "zod";
import { experimentDefinitionSchema, experimentNameSchema, type ExperimentDefinition } from "./definition";
import { whereOf } from "./where";

// An experiment as a file a team keeps in its repository (YAML or JSON, the same data):
//
//   # yaml-language-server: $schema=https://pystol.example/schemas/experiment-v1.json
//   apiVersion: pystol.io/v1
//   kind: Experiment
//   metadata:
//     name: checkout survives a cart pod loss
//     cluster: shop            # by name or id; needed to create, optional to update
//   spec:                      # the definition, exactly as definition.ts validates it
//     description: …
//     stages: …
//     checks: …
//
// One zod schema (`experimentFileSchema`) validates it here, in the API and offline in the CLI,
// and is published as JSON Schema (`experimentFileJsonSchema`) for editors. Every problem is
// reported with the line and column it is at, as a sentence.

export const EXPERIMENT_API_VERSION = "pystol.io/v1";
export const EXPERIMENT_KIND = "Experiment";
/** Where the service publishes the file's JSON Schema (a stable URL: a new format gets a new one). */
export const EXPERIMENT_SCHEMA_PATH = "/schemas/experiment-v1.json";
/** The largest file read (the API's body limit). */
export const MAX_EXPERIMENT_FILE_BYTES = 256 * 1024;

export const experimentFileSchema = z
  .strictObject(
    {
      $schema: z.string().max(2000).optional().describe("The JSON Schema of this file (editors read it); ignored by Pystol"),
      apiVersion: z.literal(EXPERIMENT_API_VERSION, { error: `apiVersion is ${EXPERIMENT_API_VERSION}.` }).describe("The format's version"),
      kind: z.literal(EXPERIMENT_KIND, { error: `kind is ${EXPERIMENT_KIND}.` }),
      metadata: z
        .strictObject(
          {
            name: experimentNameSchema.describe("The experiment's name, unique in the team: applying a file updates the experiment of this name"),
            cluster: z
              .string({ error: "The cluster is its name or id, as text." })
              .trim()
              .min(1, { error: "The cluster's name cannot be empty." })
              .max(200, { error: "The cluster's name has at most 200 characters." })
              .optional()
              .describe("A cluster of the team, by name or id. Needed to create the experiment; when absent, an update keeps its cluster"),
          },
          { error: (i) => (i.code === "unrecognized_keys" ? `metadata knows name and cluster only; remove ${i.keys.join(", ")}.` : "metadata is an object with the experiment's name.") },
        )
        .describe("Which experiment this is"),
      spec: experimentDefinitionSchema.describe("The definition: stages of faults, checks, the recovery window and the maximum duration"),
    },
    {
      error: (i) =>
        i.code === "unrecognized_keys"
          ? `An experiment file knows apiVersion, kind, metadata and spec only; remove ${i.keys.join(", ")}.`
          : `An experiment file is a YAML or JSON object with apiVersion, kind, metadata and spec.`,
    },
  )
  .describe("A Pystol experiment: its name, cluster and definition");

export type ExperimentFile = z.infer<typeof experimentFileSchema>;

/** One problem of a file: where it is (line and column from 1), the field in words, and a sentence. */
export interface FileProblem {
  path: string;
  line: number;
  column: number;
  message: string;
}

export type ParsedExperimentFile = { ok: true; file: ExperimentFile } | { ok: false; problems: FileProblem[] };

// The YAML parser's complaints, as sentences; its codes are stable, its wording is not ours.
const YAML_PROBLEMS: Partial<Record<YAMLError["code"], string>> = {
  DUPLICATE_KEY: "This key appears twice in the same object; keep one.",
  MULTIPLE_DOCS: "The file holds more than one document (a second ---); keep one experiment per file.",
  BAD_INDENT: "The indentation here does not line up with the lines around it.",
  TAB_AS_INDENT: "A tab indents this line; YAML indents with spaces.",
  MISSING_CHAR: "Something is not closed here (a quote, a bracket or a brace).",
  MULTILINE_IMPLICIT_KEY: "A key runs over more than one line; a key is on one line, followed by a colon.",
  BLOCK_AS_IMPLICIT_KEY: "A key is missing its colon, or the indentation is off.",
  UNEXPECTED_TOKEN: "Something unexpected is here; check the indentation and the punctuation.",
  BAD_DQ_ESCAPE: "This double-quoted text has an escape (\\…) YAML does not know.",
  BAD_SCALAR_START: "A value cannot start with this character unless it is quoted.",
  BAD_ALIAS: "This alias (*name) refers to no anchor (&name).",
  KEY_OVER_1024_CHARS: "A key is longer than 1024 characters.",
  MULTIPLE_ANCHORS: "A value has more than one anchor (&name); keep one.",
  MULTIPLE_TAGS: "A value has more than one tag (!…); keep one, or none.",
  TAG_RESOLVE_FAILED: "This tag (!…) is not one YAML knows; an experiment file needs none.",
  BAD_DIRECTIVE: "This directive (%…) is not one YAML knows; an experiment file needs none.",
  NON_STRING_KEY: "A key here is not text; keys are names such as stages or checks.",
  BLOCK_IN_FLOW: "An indented block is inside brackets or braces; write it in one style.",
};

/** What the YAML parser refused, with where. */
function syntaxProblems(errors: YAMLError[], lines: LineCounter): FileProblem[] {
  return errors.slice(0, 20).map((e) => {
    const at = lines.linePos(e.pos[0]);
    const known = YAML_PROBLEMS[e.code];
    return { path: "", line: at.line, column: at.col, message: known ?? "This does not read as YAML or JSON; check the punctuation and the indentation here." };
  });
}

const keyOf = (k: unknown) => (isScalar(k) ? String(k.value) : String(k));

/**
 * Where a path points in the document: the value at the path, or its key when the value is
 * empty, or the nearest enclosing object or list that exists (a missing field is reported at
 * the object that should hold it). `key` points at that key of the object found (unknown keys).
 */
function offsetOf(root: Node | null | undefined, path: PropertyKey[], key?: string): number {
  let node: Node | null | undefined = root;
  let keyNode: Node | null = null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(seg));
      if (!pair) break;
      keyNode = isScalar(pair.key) ? pair.key : null;
      node = pair.value as Node | null;
      if (!node || (isScalar(node) && node.value === null && keyNode)) {
        node = keyNode;
        break;
      }
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) break;
      node = item;
    } else break;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => keyOf(p.key) === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return node?.range?.[0] ?? 0;
}

/** How deeply an experiment file may nest (it needs about 8): the YAML parser recurses per level. */
const MAX_FLOW_DEPTH = 64;
const MAX_INDENT = 200;

/**
 * Where the text nests deeper than any experiment does, checked before parsing: brackets and
 * braces opened (flow style, JSON) and the indentation of a line's content (block style, with
 * "- " and "? " on one line counting as indentation). The parser recurses per level, and some
 * texts nested thousands deep exhaust its stack or the process's memory.
 */
function tooDeep(text: string): { line: number; column: number } | null {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      line++;
      lineStart = i + 1;
      const lead = /^[ \t]*(?:[-?:][ \t]+)*/.exec(text.slice(lineStart, lineStart + MAX_INDENT + 2))![0].length;
      if (lead > MAX_INDENT) return { line, column: 1 };
    } else if (ch === 91 || ch === 123) {
      if (++depth > MAX_FLOW_DEPTH) return { line, column: i - lineStart + 1 };
    } else if ((ch === 93 || ch === 125) && depth > 0) depth--;
  }
  const first = /^[ \t]*(?:[-?:][ \t]+)*/.exec(text.slice(0, MAX_INDENT + 2))![0].length;
  return first > MAX_INDENT ? { line: 1, column: 1 } : null;
}

/** The path of the first key or text holding a NUL character, or null. */
function nulPath(value: unknown, path: PropertyKey[]): PropertyKey[] | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) return path;
      const found = nulPath(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

/** Reads an experiment file (YAML or JSON); every problem with its line and column. */
export function parseExperimentFile(text: string): ParsedExperimentFile {
  if (Buffer.byteLength(text, "utf8") > MAX_EXPERIMENT_FILE_BYTES)
    return { ok: false, problems: [{ path: "", line: 1, column: 1, message: `The file is larger than ${MAX_EXPERIMENT_FILE_BYTES / 1024} KiB; an experiment is far smaller.` }] };
  const deep = tooDeep(text);
  if (deep) return { ok: false, problems: [{ path: "", ...deep, message: "The file nests deeper than an experiment does (brackets or indentation); check what is opened here." }] };
  const lines = new LineCounter();
  // YAML 1.2's core schema: "yes", "no" and dates stay text; JSON is YAML, so both read here.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  if (doc.errors.length > 0) return { ok: false, problems: syntaxProblems(doc.errors, lines) };
  let value: unknown;
  try {
    // A few aliases are fine; a "billion laughs" file is not.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return { ok: false, problems: [{ path: "", line: 1, column: 1, message: "The file's aliases (*name) expand to too much; write the values out." }] };
  }
  if (value === null || value === undefined)
    return { ok: false, problems: [{ path: "", line: 1, column: 1, message: "The file is empty; it starts with apiVersion, kind, metadata and spec." }] };
  try {
    // An alias inside its own anchor (&a [*a]) reads as a value that contains itself.
    JSON.stringify(value);
  } catch {
    return { ok: false, problems: [{ path: "", line: 1, column: 1, message: "An alias (*name) is used inside its own anchor (&name), so the value would contain itself; write it out." }] };
  }
  // "\0" in a quoted YAML or JSON string is a NUL once read; no field takes one (PostgreSQL's text neither).
  const nul = nulPath(value, []);
  if (nul) {
    const at = lines.linePos(offsetOf(doc.contents, nul));
    return { ok: false, problems: [{ path: nul.map(String).join("."), line: at.line, column: at.col, message: "This text contains a NUL character (\\0), which no field accepts." }] };
  }
  const parsed = experimentFileSchema.safeParse(value);
  if (parsed.success) return { ok: true, file: parsed.data };
  const seen = new Set<string>();
  const problems: FileProblem[] = [];
  for (const issue of parsed.error.issues) {
    const key = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    const at = lines.linePos(offsetOf(doc.contents, issue.path, key));
    const path = issue.path.map(String).join(".");
    const id = `${path}\u0000${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push({ path, line: at.line, column: at.col, message: issue.message });
  }
  return { ok: false, problems };
}

/** Where a path ("metadata.cluster") is in a file's text that parsed: its line and column (the nearest enclosing part when absent). */
export function positionOf(text: string, path: string): { line: number; column: number } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, version: "1.2" });
  const at = lines.linePos(offsetOf(doc.contents, path.split(".")));
  return { line: at.line, column: at.col };
}

/** A problem as a person reads it: "line 12, column 7 (stage 1, fault 2, parameters): …". */
export function describeProblem(p: FileProblem): string {
  const where = whereOf(p.path);
  return `line ${p.line}, column ${p.column}${where ? ` (${where})` : ""}: ${p.message}`;
}

/** The file of an experiment: its name, its cluster's name and its definition. */
export function experimentFileOf(e: { name: string; cluster: string; definition: ExperimentDefinition }): ExperimentFile {
  return { apiVersion: EXPERIMENT_API_VERSION, kind: EXPERIMENT_KIND, metadata: { name: e.name, cluster: e.cluster }, spec: e.definition };
}

export type ExperimentFileFormat = "yaml" | "json";

/**
 * The file as text. `schemaUrl` (the service's published schema) goes where editors look for it:
 * the yaml-language-server comment in YAML, `$schema` in JSON.
 */
export function formatExperimentFile(file: ExperimentFile, format: ExperimentFileFormat, schemaUrl?: string): string {
  const { $schema: _, ...parts } = file;
  const spec = inReadingOrder(parts.spec);
  // A check reads from its name: the checks' own fields come first in the schema's order.
  const rest = { ...parts, spec: { ...spec, checks: spec.checks.map(({ name, type, mode, ...more }) => ({ name, type, mode, ...more })) } };
  if (format === "json") return `${JSON.stringify(schemaUrl ? { $schema: schemaUrl, ...rest } : rest, null, 2)}\n`;
  // lineWidth 0: long descriptions stay on one line, as people write them.
  const body = stringify(rest, { lineWidth: 0, version: "1.2" });
  return schemaUrl ? `# yaml-language-server: $schema=${schemaUrl}\n${body}` : body;
}

/**
 * The definition with its keys in one order whatever it came from (PostgreSQL's jsonb keeps
 * keys in an order of its own): the schema's order for its fields, a fault's params sorted by
 * name. So the same definition is always the same text, and a diff shows only what changed.
 */
function inReadingOrder(d: ExperimentDefinition): ExperimentDefinition {
  const parsed = experimentDefinitionSchema.safeParse(d);
  const ordered = parsed.success ? parsed.data : d;
  return {
    ...ordered,
    stages: ordered.stages.map((st) => ({
      ...st,
      faults: st.faults.map((f) => ({ ...f, params: Object.fromEntries(Object.keys(f.params).sort().map((k) => [k, f.params[k]])) })),
    })),
  };
}

/** A value with its object keys sorted, so two definitions compare by content, not key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

/** Whether two definitions say the same (an apply of an unchanged file writes no version). */
export function sameDefinition(a: ExperimentDefinition, b: ExperimentDefinition): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * The file's JSON Schema (draft 2020-12), generated from `experimentFileSchema` as a person
 * writes the file (defaults optional). Each fault's params get its action's own parameter
 * schema, so editors complete and check them too. `$id` is the URL it is published at.
 */
export function experimentFileJsonSchema(
  id: string,
  actions: { id: string; title: string; paramsSchema: Record<string, unknown> }[] = [],
): Record<string, unknown> {
  const schema = z.toJSONSchema(experimentFileSchema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  const faultProps = findFaultSchema(schema);
  if (faultProps && actions.length > 0) {
    const actionId = faultProps.properties as Record<string, Record<string, unknown>>;
    actionId.actionId = { ...actionId.actionId, enum: actions.map((a) => a.id) };
    faultProps.allOf = actions.map((a) => {
      const { $schema: _s, ...params } = a.paramsSchema;
      return { if: { properties: { actionId: { const: a.id } }, required: ["actionId"] }, then: { properties: { params: { ...params, description: `${a.title}: its parameters` } } } };
    });
  }
  return { $schema: "https://json-schema.org/draft/2020-12/schema", $id: id, title: "Pystol experiment", ...withoutMeta(schema) };
}

function withoutMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** The fault step's schema inside the generated one (spec.stages[].faults[]). */
function findFaultSchema(schema: Record<string, unknown>): Record<string, unknown> | null {
  const get = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);
  const fault = get(schema, "properties", "spec", "properties", "stages", "items", "properties", "faults", "items");
  return fault && typeof fault === "object" && "properties" in fault ? (fault as Record<string, unknown>) : null;
}
