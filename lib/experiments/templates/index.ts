import { z } from "zod";
import { parseDefinition, type ExperimentDefinition } from "../definition";
import { TEMPLATES } from "./catalog";
import type { ExperimentTemplate } from "./types";

// The template library's public surface: list, find, the form's fields, and a template's
// parameters (as a form or a link sends them: text) turned into a checked definition.

export { TEMPLATES };
export type { ExperimentTemplate };

const byId = new Map(TEMPLATES.map((t) => [t.id, t]));

export function getTemplate(id: string): ExperimentTemplate | undefined {
  return byId.get(id);
}

export interface TemplateField {
  key: string;
  label: string;
  kind: "text" | "number" | "choice";
  /** The default as the form shows it. */
  defaultValue: string;
  choices?: string[];
  min?: number;
  max?: number;
}

type JsonProp = { type?: string; description?: string; enum?: string[]; minimum?: number; maximum?: number };

const fieldCache = new Map<string, TemplateField[]>();

/** A list parameter shows as "a, b, c" in one field. */
const asText = (v: unknown): string => (Array.isArray(v) ? v.join(", ") : v === undefined || v === null ? "" : String(v));

/** The form's fields, in the parameters' order, with their defaults. */
export function templateFields(t: ExperimentTemplate): TemplateField[] {
  let fields = fieldCache.get(t.id);
  if (!fields) {
    const schema = z.toJSONSchema(t.params, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, JsonProp> };
    const defaults = t.params.parse({}) as Record<string, unknown>;
    fields = Object.entries(schema.properties ?? {}).map(([key, p]) => ({
      key,
      label: p.description ?? key,
      kind: p.enum ? "choice" : p.type === "integer" || p.type === "number" ? "number" : "text",
      defaultValue: asText(defaults[key]),
      ...(p.enum ? { choices: p.enum } : {}),
      ...(p.minimum !== undefined ? { min: p.minimum } : {}),
      ...(p.maximum !== undefined ? { max: p.maximum } : {}),
    }));
    fieldCache.set(t.id, fields);
  }
  return fields;
}

export type TemplateValues = Record<string, string>;

/**
 * The values a form shows: the template's defaults, overridden by those given (a link from a
 * detected risk, or a refused form sent back). Unknown keys are dropped.
 */
export function templateFormValues(t: ExperimentTemplate, given: Record<string, string | string[] | undefined>): TemplateValues {
  const out: TemplateValues = {};
  for (const f of templateFields(t)) {
    const v = given[f.key];
    const one = Array.isArray(v) ? v[0] : v;
    out[f.key] = typeof one === "string" ? one.slice(0, 1000) : f.defaultValue;
  }
  return out;
}

export type TemplateBuild =
  | { ok: true; params: Record<string, unknown>; name: string; definition: ExperimentDefinition }
  | { ok: false; fieldErrors: Record<string, string[]> };

/** Text values (the form's) → the template's parameters → its definition, checked as a saved one is. */
export function buildFromTemplate(t: ExperimentTemplate, values: Record<string, string | undefined>): TemplateBuild {
  const raw: Record<string, unknown> = {};
  for (const f of templateFields(t)) {
    const v = values[f.key]?.trim();
    if (v === undefined || v === "") continue;
    raw[f.key] = f.kind === "number" ? (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v) : v;
  }
  const parsed = t.params.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      const list = (fieldErrors[key] ??= []);
      // The messages name their field already; the first one per field says enough.
      if (list.length === 0) list.push(/[.!?]$/.test(issue.message) ? issue.message : `${issue.message}.`);
    }
    return { ok: false, fieldErrors };
  }
  const params = parsed.data as Record<string, unknown>;
  const def = parseDefinition(t.build(params));
  if (!def.ok) {
    // The parameters passed their own rules but the definition did not: say so as a whole.
    return { ok: false, fieldErrors: { "": def.errors.map((e) => e.message) } };
  }
  return { ok: true, params, name: t.name(params), definition: def.definition };
}

/** A template's address with its parameters filled (a detected risk's link). */
export function templateHref(slug: string, templateId: string, values: Record<string, string | number>, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...values, ...extra })) q.set(k, String(v));
  const s = q.toString();
  return `/t/${slug}/experiments/templates/${templateId}${s ? `?${s}` : ""}`;
}
