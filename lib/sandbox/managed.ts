import { ApiError, invalid } from "./errors";
import { applySet, changedSet, FieldSet, mergeApplied, pathString, removedSet, removeAt, type FieldPath } from "./fieldset";
import { nowIso } from "./names";
import type { ResourceType } from "./resources";
import { isObject, type KObject } from "./types";

// metadata.managedFields as kube-apiserver keeps them: one entry per manager, operation (Apply
// or Update), apiVersion and subresource, each with the set of fields it owns. Every write
// through the API records an Update (the fields it added or changed move to its manager);
// an apply (PATCH application/apply-patch+yaml) owns exactly the fields of its configuration,
// refuses to change a field another manager owns unless forced, and removes the fields it
// stopped applying when nobody else owns them.

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time?: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Who writes: the request's field manager, the apiVersion it speaks, the subresource it writes. */
export interface Writer {
  manager: string;
  apiVersion: string;
  subresource?: string;
}

/** The field manager of a request: `?fieldManager=`, else the User-Agent's first word (as upstream). */
export function managerOf(q: URLSearchParams, userAgent: string | undefined): string {
  const given = q.get("fieldManager");
  if (given) return given;
  return (userAgent ?? "").split("/")[0]!.slice(0, 128);
}

/** Refuse field managers the server refuses (PatchOptions/CreateOptions validation). */
export function checkManager(manager: string, optionsKind: string) {
  if (manager.length > 128)
    throw invalid(optionsKind, "meta.k8s.io", "", [{ field: "fieldManager", message: `Too long: may not be longer than 128` , reason: "FieldValueTooLong" }]);
}

const statusMode = (t: ResourceType, sub?: string): "skip" | "only" | "keep" => (sub === "status" ? "only" : t.hasStatus && t.plural !== "nodes" ? "skip" : "keep");

function entriesOf(o: KObject | undefined): ManagedFieldsEntry[] {
  const mf = o?.metadata.managedFields;
  return Array.isArray(mf) ? (mf.filter((e) => isObject(e) && typeof e.manager === "string" && isObject(e.fieldsV1)) as ManagedFieldsEntry[]) : [];
}

const sameEntries = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

// Upstream's order: by operation, then time, then manager, apiVersion and subresource.
function sortEntries(es: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const key = (e: ManagedFieldsEntry) => [e.operation, e.time ?? "", e.manager, e.apiVersion, e.subresource ?? ""];
  return es.sort((p, q) => {
    const a = key(p);
    const b = key(q);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  });
}

function entry(w: Writer, operation: "Apply" | "Update", set: FieldSet, time: string): ManagedFieldsEntry {
  return { manager: w.manager, operation, apiVersion: w.apiVersion, time, fieldsType: "FieldsV1", fieldsV1: set.toFieldsV1(), ...(w.subresource ? { subresource: w.subresource } : {}) };
}

const isMine = (e: ManagedFieldsEntry, w: Writer, op: "Apply" | "Update") =>
  e.manager === w.manager && e.operation === op && (op === "Apply" || e.apiVersion === w.apiVersion) && (e.subresource ?? "") === (w.subresource ?? "");

/**
 * Record an Update by `w` on `next` (in place), from the live object `before` (undefined on create).
 * A request that sends managedFields of its own (other than none, or the live ones) sets them, as
 * upstream; `[{}]` clears them.
 */
export function recordUpdate(t: ResourceType, before: KObject | undefined, next: KObject, w: Writer) {
  const incoming = next.metadata.managedFields;
  let entries: ManagedFieldsEntry[];
  if (Array.isArray(incoming) && incoming.length === 1 && isObject(incoming[0]) && Object.keys(incoming[0]).length === 0) {
    delete next.metadata.managedFields;
    return;
  }
  if (Array.isArray(incoming) && incoming.length > 0 && !sameEntries(incoming, before?.metadata.managedFields)) entries = entriesOf(next);
  else entries = entriesOf(before);
  const mode = statusMode(t, w.subresource);
  const changed = changedSet(before, next, mode);
  // Removed fields only matter to the owners they are taken from.
  const removed = before && entries.length ? removedSet(before, next, mode) : new FieldSet();
  const now = nowIso();
  const out: ManagedFieldsEntry[] = [];
  const mine = entries.find((e) => isMine(e, w, "Update"));
  for (const e of entries) {
    if (e === mine) continue;
    const s = FieldSet.fromFieldsV1(e.fieldsV1);
    const kept = s.minus(changed).minus(removed);
    if (kept.size === 0) continue;
    out.push(kept.size === s.size ? e : { ...e, fieldsV1: kept.toFieldsV1() });
  }
  const prev = mine ? FieldSet.fromFieldsV1(mine.fieldsV1) : new FieldSet();
  const set = prev.union(changed).minus(removed);
  if (set.size) out.push(mine && set.equals(prev) ? mine : entry(w, "Update", set, now));
  if (out.length) next.metadata.managedFields = sortEntries(out);
  else delete next.metadata.managedFields;
}

/**
 * Server-side apply of `config` by `w` onto `live` (undefined: the object is created). Throws
 * the 409 FieldManagerConflict Status when another manager owns a field the apply changes and
 * `force` is not set.
 */
export function applyConfig(t: ResourceType, live: KObject | undefined, config: KObject, w: Writer, force: boolean): KObject {
  const mode = statusMode(t, w.subresource);
  const cfg = structuredClone(config);
  delete cfg.metadata.managedFields;
  delete cfg.metadata.uid;
  delete cfg.metadata.creationTimestamp;
  delete cfg.metadata.generation;
  if (mode === "skip") delete cfg.status;
  const cfgSet = applySet(cfg, mode);
  const base = live ? structuredClone(live) : ({ apiVersion: cfg.apiVersion, kind: cfg.kind, metadata: {} } as KObject);
  const merged = mergeApplied(base, cfg) as KObject;
  const entries = entriesOf(live);
  const changed = live ? changedSet(live, merged, mode) : new FieldSet();

  const conflicts: { manager: string; path: FieldPath; entry: ManagedFieldsEntry }[] = [];
  const others = new Map<ManagedFieldsEntry, FieldSet>();
  let prevApply = new FieldSet();
  for (const e of entries) {
    const s = FieldSet.fromFieldsV1(e.fieldsV1);
    if (isMine(e, w, "Apply")) {
      prevApply = s;
      continue;
    }
    others.set(e, s);
    for (const p of s.intersect(changed).paths()) conflicts.push({ manager: e.manager, path: p, entry: e });
  }
  if (conflicts.length && !force) {
    // kubectl taking over from its own client-side apply: conflicts on the fields of the
    // last-applied configuration are forced, as upstream's lastAppliedManager does.
    const allowed = w.manager === "kubectl" ? lastAppliedSet(live, mode) : undefined;
    const rest = allowed ? conflicts.filter((c) => !allowed.has(c.path)) : conflicts;
    if (rest.length) throw applyConflict(rest);
  }
  const taken = new FieldSet();
  for (const c of conflicts) taken.add(c.path);

  const out: ManagedFieldsEntry[] = [];
  let stillOwned = new FieldSet();
  for (const [e, s] of others) {
    const kept = s.minus(taken);
    if (kept.size === 0) continue;
    stillOwned = stillOwned.union(kept);
    out.push(kept.size === s.size ? e : { ...e, fieldsV1: kept.toFieldsV1() });
  }
  // Fields this manager applied before and no longer does, that nobody else owns, go away; a map
  // or list item stays while anything owned lies under it.
  const kept = [...cfgSet.union(stillOwned).keys];
  const dropped = [...prevApply.minus(cfgSet).minus(stillOwned).keys].filter((k) => !kept.some((o) => o.startsWith(k + "\n")));
  for (const p of dropped.map((k) => k.split("\n")).sort((a, b) => b.length - a.length)) removeAt(merged, p);
  if (cfgSet.size) out.push(entry(w, "Apply", cfgSet, nowIso()));
  if (out.length) merged.metadata.managedFields = sortEntries(out);
  else delete merged.metadata.managedFields;
  return merged;
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The fields of an object's client-side last-applied configuration, when it has one. */
function lastAppliedSet(live: KObject | undefined, mode: "skip" | "only" | "keep"): FieldSet | undefined {
  const text = live?.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    const cfg = JSON.parse(text) as unknown;
    return isObject(cfg) ? applySet(cfg, mode) : undefined;
  } catch {
    return undefined;
  }
}

function describeManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === "Update") s += ` using ${e.apiVersion}`;
  return s;
}

/** The 409 of an apply that would take fields from other managers (apimachinery's NewApplyConflict wording). */
function applyConflict(conflicts: { manager: string; path: FieldPath; entry: ManagedFieldsEntry }[]): ApiError {
  const sorted = conflicts
    .map((c) => ({ who: describeManager(c.entry), field: pathString(c.path) }))
    .sort((a, b) => (a.who === b.who ? (a.field < b.field ? -1 : 1) : a.who < b.who ? -1 : 1));
  let message: string;
  if (sorted.length === 1) message = `Apply failed with 1 conflict: conflict with ${sorted[0]!.who}: ${sorted[0]!.field}`;
  else {
    const byWho = new Map<string, string[]>();
    for (const c of sorted) byWho.set(c.who, [...(byWho.get(c.who) ?? []), c.field]);
    const lines: string[] = [];
    for (const [who, fields] of byWho) lines.push(`conflicts with ${who}:`, ...fields.map((f) => `- ${f}`));
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join("\n")}`;
  }
  return new ApiError(409, "Conflict", message, { causes: sorted.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${c.who}`, field: c.field })) });
}
