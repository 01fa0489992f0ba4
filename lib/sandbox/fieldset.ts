import { isObject } from "./types";

// Field sets as server-side apply tracks them (structured-merge-diff's fieldpath.Set): the
// paths of the fields a manager owns, encoded on the wire as `fieldsV1` (`f:name`,
// `k:{"name":"app"}`, `v:"x"`, and `.` for a map or list item that is owned itself).
// The sandbox has no OpenAPI schema, so a list's kind comes from its field name: the
// associative lists below, `finalizers` as a set, every other list atomic.

/** One path element: `f:<field>`, `k:<key JSON>` or `v:<value JSON>`. */
export type PathElement = string;
export type FieldPath = PathElement[];

/** Associative lists (listType=map) by field name, with their key fields. */
const LIST_KEYS: Record<string, string[]> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  env: ["name"],
  volumes: ["name"],
  volumeMounts: ["mountPath"],
  volumeDevices: ["devicePath"],
  imagePullSecrets: ["name"],
  conditions: ["type"],
  ownerReferences: ["uid"],
  hostAliases: ["ip"],
  topologySpreadConstraints: ["topologyKey", "whenUnsatisfiable"],
  taints: ["key", "effect"],
  addresses: ["type"],
  containerStatuses: ["name"],
  initContainerStatuses: ["name"],
};
const SET_LISTS = new Set(["finalizers"]);
/** Maps and structs owned as a whole (structType/mapType=atomic). */
const ATOMIC_MAPS = new Set(["selector", "roleRef", "boundObjectRef"]);
/** Fields of the object that nobody owns: identity and server-set metadata. */
const SERVER_META = new Set(["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink", "generateName"]);
/** Structs that Go encodes even when empty, so an object that is created never "adds" them. */
const ALWAYS_PRESENT = new Set(["f:metadata", "f:spec", "f:status", "f:spec\nf:template", "f:spec\nf:template\nf:metadata", "f:spec\nf:template\nf:spec", "f:spec\nf:strategy"]);

type ListKind = { keys: string[] } | "set" | "atomic";

function listKind(field: string, items: unknown[]): ListKind {
  if (field === "ports") {
    // Container ports are keyed by containerPort and protocol, a service's by port and protocol.
    if (items.some((p) => isObject(p) && "containerPort" in p)) return { keys: ["containerPort", "protocol"] };
    if (items.some((p) => isObject(p) && "port" in p && ("targetPort" in p || "nodePort" in p || "name" in p || "protocol" in p))) return { keys: ["port", "protocol"] };
    return "atomic";
  }
  const keys = LIST_KEYS[field];
  if (keys && items.every(isObject)) return { keys };
  if (SET_LISTS.has(field)) return "set";
  return "atomic";
}

/** The value of key fields of a list item, with the defaults that the server fills in. */
function keyValue(item: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const k: Record<string, unknown> = {};
  for (const f of keys) {
    const v = item[f] ?? (f === "protocol" ? "TCP" : undefined);
    if (v !== undefined) k[f] = v;
  }
  return k;
}

const itemElement = (item: unknown, kind: ListKind): PathElement =>
  kind === "set" ? `v:${JSON.stringify(item)}` : `k:${JSON.stringify(keyValue(item as Record<string, unknown>, (kind as { keys: string[] }).keys))}`;

const SEP = "\n";
const join = (key: string, pe: PathElement) => (key ? key + SEP + pe : pe);

/** A set of field paths, each kept as its elements joined with newlines (a JSON-encoded element never holds one). */
export class FieldSet {
  readonly keys = new Set<string>();
  add(p: FieldPath | string) {
    const k = typeof p === "string" ? p : p.join(SEP);
    if (k) this.keys.add(k);
  }
  has(p: FieldPath | string): boolean {
    return this.keys.has(typeof p === "string" ? p : p.join(SEP));
  }
  get size() {
    return this.keys.size;
  }
  /** The paths, as element lists. */
  *paths(): Generator<FieldPath> {
    for (const k of this.keys) yield k.split(SEP);
  }
  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const k of this.keys) out.keys.add(k);
    for (const k of o.keys) out.keys.add(k);
    return out;
  }
  minus(o: FieldSet): FieldSet {
    if (o.size === 0) return this;
    const out = new FieldSet();
    for (const k of this.keys) if (!o.keys.has(k)) out.keys.add(k);
    return out;
  }
  intersect(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const k of this.keys) if (o.keys.has(k)) out.keys.add(k);
    return out;
  }
  equals(o: FieldSet): boolean {
    if (o.size !== this.size) return false;
    for (const k of this.keys) if (!o.keys.has(k)) return false;
    return true;
  }

  /** The `fieldsV1` tree of this set: a member with children also holds ".". */
  toFieldsV1(): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    for (const k of this.keys) {
      let node = root;
      for (const pe of k.split(SEP)) node = (node[pe] ??= {}) as Record<string, unknown>;
    }
    const mark = (node: Record<string, unknown>, prefix: string) => {
      for (const [pe, child] of Object.entries(node)) {
        if (pe === ".") continue;
        const c = child as Record<string, unknown>;
        const key = join(prefix, pe);
        if (Object.keys(c).length > 0 && this.keys.has(key)) c["."] = {};
        mark(c, key);
      }
    };
    mark(root, "");
    return sortTree(root);
  }

  static fromFieldsV1(tree: unknown): FieldSet {
    const out = new FieldSet();
    const walk = (node: unknown, prefix: string) => {
      if (!isObject(node)) return;
      const keys = Object.keys(node);
      if (prefix && (keys.length === 0 || keys.includes("."))) out.keys.add(prefix);
      for (const k of keys) if (k !== ".") walk(node[k], join(prefix, k));
    };
    walk(tree, "");
    return out;
  }
}

function sortTree(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(node).sort()) out[k] = sortTree(node[k] as Record<string, unknown>);
  return out;
}

/** What the fields of an object's root are, for a request on the main resource or a subresource. */
function rootFields(obj: Record<string, unknown>, status: "skip" | "only" | "keep"): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === "apiVersion" || k === "kind") continue;
    if (status === "skip" && k === "status") continue;
    if (status === "only" && k !== "status") continue;
    if (k === "metadata" && isObject(v)) {
      const md = Object.fromEntries(Object.entries(v).filter(([mk]) => !SERVER_META.has(mk)));
      if (Object.keys(md).length) out.push([k, md]);
      continue;
    }
    out.push([k, v]);
  }
  return out;
}

/** The fields an applied configuration sets (structured-merge-diff's ToFieldSet). */
export function applySet(config: Record<string, unknown>, status: "skip" | "only" | "keep"): FieldSet {
  const out = new FieldSet();
  const walk = (v: unknown, field: string, path: string) => {
    if (isObject(v)) {
      if (ATOMIC_MAPS.has(field)) return out.add(path);
      for (const [k, c] of Object.entries(v)) walk(c, k, join(path, `f:${k}`));
    } else if (Array.isArray(v)) {
      const kind = listKind(field, v);
      if (kind === "atomic") return out.add(path);
      for (const item of v) {
        const ip = join(path, itemElement(item, kind));
        out.add(ip);
        if (kind !== "set") for (const [k, c] of Object.entries(item as Record<string, unknown>)) walk(c, k, join(ip, `f:${k}`));
      }
    } else out.add(path);
  };
  for (const [k, v] of rootFields(config, status)) walk(v, k, `f:${k}`);
  return out;
}

/** The field paths of `before` (maps and list items included) that `after` no longer has. */
export function removedSet(before: Record<string, unknown>, after: Record<string, unknown>, status: "skip" | "only" | "keep"): FieldSet {
  const out = new FieldSet();
  // Everything under a path that is gone is gone too.
  const all = (v: unknown, field: string, path: string) => {
    out.add(path);
    if (isObject(v)) {
      if (!ATOMIC_MAPS.has(field)) for (const [k, c] of Object.entries(v)) all(c, k, join(path, `f:${k}`));
    } else if (Array.isArray(v)) {
      const kind = listKind(field, v);
      if (kind !== "atomic")
        for (const item of v) {
          const ip = join(path, itemElement(item, kind));
          if (kind === "set") out.add(ip);
          else all(item, "", ip);
        }
    }
  };
  const walk = (a: unknown, b: unknown, field: string, path: string) => {
    if (b === undefined) return all(a, field, path);
    if (isObject(a)) {
      if (!isObject(b) || ATOMIC_MAPS.has(field)) return;
      for (const [k, c] of Object.entries(a)) walk(c, b[k], k, join(path, `f:${k}`));
    } else if (Array.isArray(a) && Array.isArray(b)) {
      const kind = listKind(field, a);
      if (kind === "atomic") return;
      const now = new Map<string, unknown>();
      for (const item of b) if (kind === "set" || isObject(item)) now.set(itemElement(item, kind), item);
      for (const item of a) {
        if (kind !== "set" && !isObject(item)) continue;
        const pe = itemElement(item, kind);
        const ip = join(path, pe);
        if (!now.has(pe)) {
          if (kind === "set") out.add(ip);
          else all(item, "", ip);
        } else if (kind !== "set") walk(item, now.get(pe), "", ip);
      }
    }
  };
  const afterRoot = new Map(rootFields(after, status));
  for (const [k, v] of rootFields(before, status)) walk(v, afterRoot.get(k), k, `f:${k}`);
  return out;
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * The fields a write added or changed (structured-merge-diff's Compare: Added ∪ Modified): a map
 * or list item that did not exist counts itself, as do changed values and atomic lists.
 */
export function changedSet(before: Record<string, unknown> | undefined, after: Record<string, unknown>, status: "skip" | "only" | "keep"): FieldSet {
  const out = new FieldSet();
  const walk = (a: unknown, b: unknown, field: string, path: string) => {
    if (isObject(b)) {
      if (ATOMIC_MAPS.has(field)) {
        if (!same(a, b)) out.add(path);
        return;
      }
      if (!isObject(a)) {
        if (!ALWAYS_PRESENT.has(path) || a !== undefined) out.add(path);
        for (const [k, c] of Object.entries(b)) walk(undefined, c, k, join(path, `f:${k}`));
        return;
      }
      for (const [k, c] of Object.entries(b)) walk(a[k], c, k, join(path, `f:${k}`));
    } else if (Array.isArray(b)) {
      const kind = listKind(field, b);
      if (kind === "atomic") {
        if (!same(a, b)) out.add(path);
        return;
      }
      if (!Array.isArray(a)) out.add(path);
      const old = new Map<string, unknown>();
      if (Array.isArray(a)) for (const item of a) if (kind === "set" || isObject(item)) old.set(itemElement(item, kind), item);
      for (const item of b) {
        const pe = itemElement(item, kind);
        const ip = join(path, pe);
        const prev = old.get(pe);
        if (prev === undefined) out.add(ip);
        if (kind !== "set") for (const [k, c] of Object.entries(item as Record<string, unknown>)) walk(isObject(prev) ? prev[k] : undefined, c, k, join(ip, `f:${k}`));
      }
    } else if (a === undefined || !same(a, b)) out.add(path);
  };
  const beforeRoot = new Map(before ? rootFields(before, status) : []);
  for (const [k, v] of rootFields(after, status)) walk(beforeRoot.get(k), v, k, `f:${k}`);
  return out;
}

/** The value at a path, or undefined. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const pe of path) {
    if (pe.startsWith("f:")) {
      if (!isObject(cur)) return undefined;
      cur = cur[pe.slice(2)];
    } else if (Array.isArray(cur)) {
      cur = findItem(cur, pe);
    } else return undefined;
  }
  return cur;
}

function findItem(list: unknown[], pe: PathElement): unknown {
  const i = itemIndex(list, pe);
  return i >= 0 ? list[i] : undefined;
}

function itemIndex(list: unknown[], pe: PathElement): number {
  const want = JSON.parse(pe.slice(2)) as unknown;
  if (pe.startsWith("v:")) return list.findIndex((x) => same(x, want));
  const keys = Object.keys(want as Record<string, unknown>);
  return list.findIndex((x) => isObject(x) && same(keyValue(x, keys), want));
}

/** Remove the field or list item at a path (in place). */
export function removeAt(obj: Record<string, unknown>, path: FieldPath) {
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (last.startsWith("f:") && isObject(parent)) delete parent[last.slice(2)];
  else if (Array.isArray(parent)) {
    const i = itemIndex(parent, last);
    if (i >= 0) parent.splice(i, 1);
  }
}

/** A path as apply conflicts print it: `.data.a`, `.spec.containers[name="app"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      if (pe.startsWith("f:")) return `.${pe.slice(2)}`;
      const v = JSON.parse(pe.slice(2)) as unknown;
      if (pe.startsWith("v:")) return `[=${JSON.stringify(v)}]`;
      return `[${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${JSON.stringify(x)}`).join(",")}]`;
    })
    .join("");
}

/**
 * Merge an applied configuration into the live object: maps field by field, associative lists
 * item by item (new items after the live ones), atomic lists and maps replaced.
 */
export function mergeApplied(live: unknown, config: unknown, field = ""): unknown {
  if (isObject(config)) {
    if (!isObject(live) || ATOMIC_MAPS.has(field)) return structuredClone(config);
    const out: Record<string, unknown> = { ...live };
    for (const [k, v] of Object.entries(config)) out[k] = mergeApplied(live[k], v, k);
    return out;
  }
  if (Array.isArray(config)) {
    const kind = listKind(field, config);
    if (kind === "atomic" || !Array.isArray(live)) return structuredClone(config);
    const out = live.slice();
    for (const item of config) {
      const i = itemIndex(out, itemElement(item, kind));
      if (i < 0) out.push(structuredClone(item));
      else if (kind !== "set") out[i] = mergeApplied(out[i], item);
    }
    return out;
  }
  return config;
}
