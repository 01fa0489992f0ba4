import type { SchemaField } from "@/app/_components/schema-fields";
import { paramsFromValues, valuesFromParams } from "@/app/_components/schema-fields";

// The editor's working copy of a definition: every input as the text the person typed, so a
// half-typed number or a refused save loses nothing. `toDefinition` turns it into the object
// parseDefinition validates (the same the YAML tab and the API send); `fromDefinition` is the
// way back, for a saved version or YAML pasted in.

export interface FaultDraft {
  key: string;
  name: string;
  actionId: string;
  /** The parameter inputs' texts, by parameter name. */
  values: Record<string, string>;
  durationSeconds: string;
}

export interface StageDraft {
  key: string;
  name: string;
  waitAfterSeconds: string;
  faults: FaultDraft[];
}

export const CHECK_TYPES = ["http", "kubernetes", "prometheus"] as const;
export type CheckType = (typeof CHECK_TYPES)[number];
export const CONDITIONS = ["workload-available", "pods-ready", "no-crash-loop", "nodes-ready", "object-field"] as const;
export type Condition = (typeof CONDITIONS)[number];

export interface CheckDraft {
  key: string;
  name: string;
  type: CheckType;
  mode: string;
  intervalSeconds: string;
  toleranceKind: "failures" | "percent";
  tolerance: string;
  stopOnTrip: boolean;
  // http
  targetKind: "service" | "url";
  namespace: string;
  service: string;
  port: string;
  path: string;
  method: string;
  url: string;
  status: string;
  maxLatencyMs: string;
  bodyContains: string;
  bodyMatches: string;
  // kubernetes
  condition: Condition;
  workload: string;
  objectName: string;
  minAvailable: string;
  selector: string;
  minReadyPercent: string;
  minReady: string;
  apiVersion: string;
  kind: string;
  field: string;
  fieldOp: string;
  fieldValue: string;
  // prometheus
  query: string;
  op: string;
  threshold: string;
}

export interface Draft {
  description: string;
  recoveryWindowSeconds: string;
  maxDurationSeconds: string;
  stages: StageDraft[];
  checks: CheckDraft[];
}

/** The action fields the editor knows, by action id (what fieldsFromSchema made of each). */
export type FieldsByAction = Record<string, readonly SchemaField[]>;

let counter = 0;
export const newKey = () => `k${++counter}`;

export function newFault(actionId: string, fields: FieldsByAction): FaultDraft {
  return { key: newKey(), name: "", actionId, values: valuesFromParams(fields[actionId] ?? [], {}), durationSeconds: "" };
}

export function newStage(index: number, actionId: string, fields: FieldsByAction): StageDraft {
  return { key: newKey(), name: `Stage ${index + 1}`, waitAfterSeconds: "", faults: [newFault(actionId, fields)] };
}

export function newCheck(index: number): CheckDraft {
  return {
    key: newKey(),
    name: index === 0 ? "checkout answers" : `check ${index + 1}`,
    type: "http",
    mode: "during",
    intervalSeconds: "",
    toleranceKind: "failures",
    tolerance: "",
    stopOnTrip: true,
    targetKind: "service",
    namespace: "shop",
    service: "frontend",
    port: "http",
    path: "/checkout",
    method: "GET",
    url: "",
    status: "2xx",
    maxLatencyMs: "",
    bodyContains: "",
    bodyMatches: "",
    condition: "workload-available",
    workload: "Deployment",
    objectName: "",
    minAvailable: "",
    selector: "",
    minReadyPercent: "",
    minReady: "",
    apiVersion: "apps/v1",
    kind: "Deployment",
    field: ".status.readyReplicas",
    fieldOp: ">=",
    fieldValue: "",
    query: "",
    op: "<=",
    threshold: "",
  };
}

export function newDraft(actionId: string, fields: FieldsByAction): Draft {
  return { description: "", recoveryWindowSeconds: "", maxDurationSeconds: "", stages: [newStage(0, actionId, fields)], checks: [newCheck(0)] };
}

// A number field: left out when empty (its default applies); a text that is not a number goes
// as it is, so the definition's own sentence ("… is a whole number of seconds") is what is shown.
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}
const str = (text: string) => (text.trim() === "" ? undefined : text.trim());
const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function fieldValue(text: string): string | number | boolean {
  const t = text.trim();
  if (t === "true" || t === "false") return t === "true";
  const n = Number(t);
  return t !== "" && Number.isFinite(n) ? n : text;
}

function checkToDefinition(c: CheckDraft): Record<string, unknown> {
  const during = c.mode === "during";
  const base = compact({
    name: c.name,
    type: c.type,
    mode: c.mode,
    intervalSeconds: during ? num(c.intervalSeconds) : undefined,
    tolerance: during && c.tolerance.trim() !== "" ? { [c.toleranceKind]: num(c.tolerance) } : undefined,
    stopOnTrip: during ? c.stopOnTrip : undefined,
  });
  if (c.type === "http") {
    const target =
      c.targetKind === "url"
        ? compact({ kind: "url", url: c.url.trim(), method: c.method })
        : compact({ kind: "service", namespace: c.namespace.trim(), service: c.service.trim(), port: num(c.port) ?? "", path: str(c.path), method: c.method });
    const status = c.status.split(/[\s,]+/).filter(Boolean);
    const expect = compact({ status: status.length ? status : undefined, maxLatencyMs: num(c.maxLatencyMs), bodyContains: str(c.bodyContains), bodyMatches: str(c.bodyMatches) });
    return { ...base, target, expect };
  }
  if (c.type === "prometheus") return { ...base, query: c.query, op: c.op, threshold: num(c.threshold) ?? "" };
  const ns = c.namespace.trim();
  const check: Record<string, unknown> = (() => {
    switch (c.condition) {
      case "workload-available":
        return { condition: c.condition, workload: c.workload, namespace: ns, name: c.objectName.trim(), minAvailable: num(c.minAvailable) ?? "" };
      case "pods-ready":
        return { condition: c.condition, namespace: ns, selector: c.selector, minReadyPercent: num(c.minReadyPercent) ?? "" };
      case "no-crash-loop":
        return { condition: c.condition, namespace: ns, selector: c.selector };
      case "nodes-ready":
        return { condition: c.condition, minReady: num(c.minReady) ?? "" };
      case "object-field":
        return compact({ condition: c.condition, apiVersion: c.apiVersion.trim(), kind: c.kind.trim(), namespace: str(ns), name: c.objectName.trim(), field: c.field.trim(), op: c.fieldOp, value: fieldValue(c.fieldValue) });
    }
  })();
  return { ...base, check };
}

/** The definition the draft stands for, as parseDefinition, the YAML tab and the API take it. */
export function toDefinition(d: Draft, fields: FieldsByAction): Record<string, unknown> {
  return compact({
    description: d.description.trim() === "" ? undefined : d.description,
    recoveryWindowSeconds: num(d.recoveryWindowSeconds),
    maxDurationSeconds: num(d.maxDurationSeconds),
    stages: d.stages.map((s) =>
      compact({
        name: s.name,
        waitAfterSeconds: num(s.waitAfterSeconds),
        faults: s.faults.map((f) => {
          const read = paramsFromValues(fields[f.actionId] ?? [], f.values);
          // A text in a number field goes as typed: the action's own check names the field.
          const params = { ...read.params, ...Object.fromEntries(Object.keys(read.fieldErrors).map((k) => [k, read.raw[k]])) };
          return compact({ name: str(f.name), actionId: f.actionId, params, durationSeconds: num(f.durationSeconds) });
        }),
      }),
    ),
    checks: d.checks.map(checkToDefinition),
  });
}

// --- the way back ---------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

function checkFromDefinition(raw: unknown, index: number): CheckDraft {
  const c = obj(raw);
  const draft = newCheck(index);
  const type = CHECK_TYPES.includes(c.type as CheckType) ? (c.type as CheckType) : "http";
  const tolerance = obj(c.tolerance);
  const out: CheckDraft = {
    ...draft,
    name: text(c.name),
    type,
    mode: c.mode === undefined ? "before-and-after" : text(c.mode),
    intervalSeconds: text(c.intervalSeconds),
    toleranceKind: "percent" in tolerance ? "percent" : "failures",
    tolerance: text(tolerance.percent ?? tolerance.failures),
    stopOnTrip: c.stopOnTrip !== false,
  };
  if (type === "http") {
    const t = obj(c.target);
    const e = obj(c.expect);
    return {
      ...out,
      targetKind: t.kind === "url" ? "url" : "service",
      namespace: text(t.namespace),
      service: text(t.service),
      port: text(t.port),
      path: text(t.path),
      method: text(t.method) || "GET",
      url: text(t.url),
      status: list(e.status).map(text).join(", ") || (e.status === undefined ? "2xx" : ""),
      maxLatencyMs: text(e.maxLatencyMs),
      bodyContains: text(e.bodyContains),
      bodyMatches: text(e.bodyMatches),
    };
  }
  if (type === "prometheus") return { ...out, query: text(c.query), op: text(c.op) || "<=", threshold: text(c.threshold) };
  const k = obj(c.check);
  const condition = CONDITIONS.includes(k.condition as Condition) ? (k.condition as Condition) : "workload-available";
  return {
    ...out,
    condition,
    namespace: text(k.namespace),
    workload: text(k.workload) || "Deployment",
    objectName: text(k.name),
    minAvailable: text(k.minAvailable),
    selector: text(k.selector),
    minReadyPercent: text(k.minReadyPercent),
    minReady: text(k.minReady),
    apiVersion: text(k.apiVersion) || "apps/v1",
    kind: text(k.kind) || "Deployment",
    field: text(k.field),
    fieldOp: text(k.op) || "==",
    fieldValue: text(k.value),
  };
}

/** A draft of a definition (saved, or pasted as YAML). What the form cannot hold is dropped; the YAML tab keeps it. */
export function fromDefinition(raw: unknown, fields: FieldsByAction): Draft {
  const d = obj(raw);
  return {
    description: text(d.description),
    recoveryWindowSeconds: text(d.recoveryWindowSeconds),
    maxDurationSeconds: text(d.maxDurationSeconds),
    stages: list(d.stages).map((rs, i) => {
      const s = obj(rs);
      return {
        key: newKey(),
        name: s.name === undefined ? `Stage ${i + 1}` : text(s.name),
        waitAfterSeconds: s.waitAfterSeconds === 0 ? "" : text(s.waitAfterSeconds),
        faults: list(s.faults).map((rf) => {
          const f = obj(rf);
          const actionId = text(f.actionId);
          return { key: newKey(), name: text(f.name), actionId, values: valuesFromParams(fields[actionId] ?? [], obj(f.params)), durationSeconds: text(f.durationSeconds) };
        }),
      };
    }),
    checks: list(d.checks).map(checkFromDefinition),
  };
}

/** Moves item `from` of a list one place up (-1) or down (+1). */
export function move<T>(items: T[], from: number, by: -1 | 1): T[] {
  const to = from + by;
  if (to < 0 || to >= items.length) return items;
  const out = [...items];
  [out[from], out[to]] = [out[to]!, out[from]!];
  return out;
}
