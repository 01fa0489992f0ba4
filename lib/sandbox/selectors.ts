import { badRequest } from "./errors";
import { isObject, type KObject } from "./types";

type Requirement =
  | { op: "eq" | "neq"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] }
  | { op: "exists" | "notexists"; key: string };

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Split on commas that are not inside parentheses (`a in (x,y),b`). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

function checkKey(key: string, raw: string): string {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${raw}"`);
  return key;
}

function checkValue(v: string, raw: string): string {
  if (!VALUE.test(v) || v.length > 63) throw badRequest(`unable to parse requirement: invalid label value "${v}" in "${raw}"`);
  return v;
}

function parseRequirement(part: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (m) {
    const values = m[3]!.split(",").map((v) => checkValue(v.trim(), part));
    return { op: m[2] as "in" | "notin", key: checkKey(m[1]!, part), values };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
  if (m) {
    return { op: m[2] === "!=" ? "neq" : "eq", key: checkKey(m[1]!, part), value: checkValue(m[3]!.trim(), part) };
  }
  m = /^!\s*(\S+)$/.exec(part);
  if (m) return { op: "notexists", key: checkKey(m[1]!, part) };
  return { op: "exists", key: checkKey(part, part) };
}

function matcher(reqs: Requirement[]): LabelMatcher {
  if (reqs.length === 0) return () => true;
  return (labels) => {
    for (const r of reqs) {
      const v = labels?.[r.key];
      switch (r.op) {
        case "eq":
          if (v !== r.value) return false;
          break;
        case "neq":
          if (v === r.value) return false;
          break;
        case "in":
          if (v === undefined || !r.values.includes(v)) return false;
          break;
        case "notin":
          if (v !== undefined && r.values.includes(v)) return false;
          break;
        case "exists":
          if (v === undefined) return false;
          break;
        case "notexists":
          if (v !== undefined) return false;
          break;
      }
    }
    return true;
  };
}

/** Parse a label selector string (`app=web,tier in (a,b),!legacy`). */
export function parseLabelSelector(s: string | null | undefined): LabelMatcher {
  if (!s) return () => true;
  return matcher(splitTop(s).map(parseRequirement));
}

/** Build a matcher from a LabelSelector object (matchLabels, matchExpressions); an empty one matches all. */
export function labelSelectorMatcher(sel: unknown): LabelMatcher {
  if (!isObject(sel)) return () => false;
  const reqs: Requirement[] = [];
  if (isObject(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) reqs.push({ op: "eq", key: k, value: String(v) });
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isObject(e)) continue;
      const key = String(e.key);
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      const op = String(e.operator);
      if (op === "In") reqs.push({ op: "in", key, values });
      else if (op === "NotIn") reqs.push({ op: "notin", key, values });
      else if (op === "Exists") reqs.push({ op: "exists", key });
      else if (op === "DoesNotExist") reqs.push({ op: "notexists", key });
    }
  }
  return matcher(reqs);
}

/** A map selector as used by services and replication controllers. */
export function mapSelectorMatcher(sel: unknown): LabelMatcher {
  if (!isObject(sel) || Object.keys(sel).length === 0) return () => false;
  return matcher(Object.entries(sel).map(([k, v]) => ({ op: "eq" as const, key: k, value: String(v) })));
}

export type FieldMatcher = (obj: KObject) => boolean;

function fieldValue(obj: KObject, path: readonly string[]): string {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isObject(cur)) return "";
    cur = cur[p];
  }
  if (cur === undefined || cur === null) return "";
  return String(cur);
}

/** Parse a field selector (`metadata.name=x,status.phase!=Failed`); any dotted field path is accepted. */
export function parseFieldSelector(s: string | null | undefined): { match: FieldMatcher; nodeName?: string; name?: string } {
  if (!s) return { match: () => true };
  const reqs: { path: string; parts: string[]; neq: boolean; value: string }[] = [];
  for (const part of splitTop(s)) {
    // An empty field name selects nothing out (upstream accepts `==` and lists everything).
    if (/^\s*(==|=|!=)/.test(part)) continue;
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    // Split once here: the matcher runs for every object of a list.
    reqs.push({ path: m[1]!, parts: m[1]!.split("."), neq: m[2] === "!=", value: m[3]!.trim() });
  }
  const nodeName = reqs.find((r) => r.path === "spec.nodeName" && !r.neq)?.value;
  const name = reqs.find((r) => r.path === "metadata.name" && !r.neq)?.value;
  return {
    match: (obj) => reqs.every((r) => (fieldValue(obj, r.parts) === r.value) !== r.neq),
    ...(nodeName !== undefined ? { nodeName } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

/**
 * The field labels kube-apiserver lets each kind be selected by; other kinds know only
 * metadata.name and metadata.namespace. Kinds with a list of their own refuse others as
 * "field label not supported", the rest as "not a known field selector", as upstream words it.
 */
const FIELD_LABELS: Record<string, string[]> = {
  pods: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
  nodes: ["spec.unschedulable"],
  events: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
  namespaces: ["status.phase"],
  secrets: ["type"],
  "apps/replicasets": ["status.replicas"],
  "batch/jobs": ["status.successful"],
};

/** Refuses a field selector on a field the kind cannot be selected by (400, upstream's words). */
export function checkFieldLabels(key: string, s: string | null | undefined) {
  if (!s) return;
  const own = FIELD_LABELS[key];
  for (const part of splitTop(s)) {
    const field = /^([A-Za-z0-9_.]+)\s*(==|=|!=)/.exec(part)?.[1];
    if (!field || field === "metadata.name" || field === "metadata.namespace") continue;
    if (own?.includes(field)) continue;
    if (own) throw badRequest(`field label not supported: ${field}`);
    throw badRequest(`"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
}
