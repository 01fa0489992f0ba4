// The fields of a form generated from a zod schema (through its JSON Schema, z.toJSONSchema),
// and the way back: from the submitted FormData to the typed object the schema parses.
// No React here: the server action and the client form both use it.

export type FieldKind = "text" | "integer" | "number" | "boolean" | "list" | "select";

export interface SchemaField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  /** The default as the input shows it ("" when none). */
  defaultValue: string;
  /** One line for the person filling the form: the range, the default, what "empty" means. */
  help: string;
  placeholder?: string;
  options?: string[];
  min?: number;
  max?: number;
}

/** The prefix of every generated input's name, so the form may carry other inputs beside them. */
export const FIELD_PREFIX = "p.";

// What the JSON Schema cannot say: a sentence for parameters many actions share, found by the
// field's label first (a node selector and a pod selector are both "labelSelector"), then by
// its name. `either` marks one of a pair of which exactly one is given: it is not "Optional".
// Examples come from the schema's `examples` and are shown as "e.g. …" placeholders.
const HINTS: Record<string, { help?: string; either?: boolean; placeholder?: string }> = {
  labelSelector: { help: "Pods whose labels match, e.g. app=cart or tier in (web,api)." },
  "Node name": { help: "Give a node name or a node label selector: one of the two.", either: true },
  "Node label selector": { help: "Nodes whose labels match, e.g. pystol.io/pool=general; or give a node name instead.", either: true },
  count: { help: "Give a count or a percentage; with neither, one pod per round." },
  command: { help: "One argument per line.", placeholder: "e.g. sh\n-c\necho hello" },
  args: { help: "One argument per line." },
  hosts: { help: "One host or service per line. With a single node, give at least one." },
  // The faults made inside pods (lib/actions/faults) share pod kill's names for other meanings.
  "Pods to hit": { help: "Give a count or a percentage; with neither, one pod." },
  "Cut off host names (one a line)": { help: "Resolved by the fault runner when the fault starts, e.g. api.example.com." },
};

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  examples?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

function humanise(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function kindOf(s: JsonSchema): FieldKind {
  if (Array.isArray(s.enum)) return "select";
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  if (type === "integer") return "integer";
  if (type === "number") return "number";
  if (type === "boolean") return "boolean";
  if (type === "array") return "list";
  return "text";
}

function showDefault(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (kind === "list" && Array.isArray(value)) return value.map(String).join("\n");
  if (kind === "boolean") return value ? "on" : "";
  return String(value);
}

const hintFor = (name: string, s: JsonSchema) => (s.description ? HINTS[s.description] : undefined) ?? HINTS[name];

function helpFor(name: string, kind: FieldKind, s: JsonSchema, required: boolean): string {
  const parts: string[] = [];
  const hint = hintFor(name, s)?.help;
  if (hint) parts.push(hint);
  if ((kind === "integer" || kind === "number") && s.minimum !== undefined && s.maximum !== undefined) {
    parts.push(`${kind === "integer" ? "A whole number" : "A number"} from ${s.minimum} to ${s.maximum}.`);
  }
  if (s.default !== undefined && !(Array.isArray(s.default) && s.default.length === 0)) {
    parts.push(`Default ${showDefault(kind, s.default).replace(/\n/g, ", ")}.`);
  } else if (!required && !hintFor(name, s)?.either) {
    parts.push("Optional.");
  }
  return parts.join(" ");
}

/** The form fields of an object JSON Schema, in the schema's order. */
export function fieldsFromSchema(schema: Record<string, unknown>): SchemaField[] {
  const root = schema as JsonSchema;
  const required = new Set(root.required ?? []);
  return Object.entries(root.properties ?? {}).map(([name, s]) => {
    const kind = kindOf(s);
    const isRequired = required.has(name);
    return {
      name,
      label: s.description ?? humanise(name),
      kind,
      required: isRequired,
      defaultValue: showDefault(kind, s.default),
      help: helpFor(name, kind, s, isRequired),
      placeholder: hintFor(name, s)?.placeholder ?? (s.examples?.length ? `e.g. ${String(s.examples[0])}` : undefined),
      options: kind === "select" ? (s.enum ?? []).map(String) : undefined,
      min: s.minimum,
      max: s.maximum,
    };
  });
}

export interface FormParams {
  /** The object for the zod schema: empty inputs are left out, so defaults apply. */
  params: Record<string, unknown>;
  /** What the person typed, to show again after an error. */
  raw: Record<string, string>;
  /** Inputs that are not even the right type (a word in a number field). */
  fieldErrors: Record<string, string[]>;
}

/** Reads the generated inputs back from a submitted form. */
export function paramsFromForm(fields: readonly SchemaField[], form: FormData): FormParams {
  return paramsFromValues(fields, (name) => {
    const value = form.get(`${FIELD_PREFIX}${name}`);
    return typeof value === "string" ? value : "";
  });
}

/**
 * Reads typed parameters from the inputs' texts, by field name (a form that keeps several
 * parameter sets in its own state, such as an experiment's faults, has no FormData for them).
 */
export function paramsFromValues(fields: readonly SchemaField[], valueOf: ((name: string) => string) | Record<string, string>): FormParams {
  const get = typeof valueOf === "function" ? valueOf : (name: string) => valueOf[name] ?? "";
  const params: Record<string, unknown> = {};
  const raw: Record<string, string> = {};
  const fieldErrors: Record<string, string[]> = {};
  for (const f of fields) {
    const text = get(f.name).slice(0, 20_000);
    raw[f.name] = text;
    if (f.kind === "boolean") {
      params[f.name] = text === "on";
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === "") continue;
    if (f.kind === "integer" || f.kind === "number") {
      const n = Number(trimmed);
      if (!Number.isFinite(n)) fieldErrors[f.name] = [f.kind === "integer" ? "Enter a whole number." : "Enter a number."];
      else params[f.name] = n;
    } else if (f.kind === "list") {
      const items = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
      if (items.length > 0) params[f.name] = items;
    } else {
      params[f.name] = trimmed;
    }
  }
  return { params, raw, fieldErrors };
}

/** The inputs' texts for parameters already typed (an experiment's saved fault): the way back of paramsFromValues. */
export function valuesFromParams(fields: readonly SchemaField[], params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.name, f.name in params ? showDefault(f.kind, params[f.name]) : f.defaultValue]));
}
