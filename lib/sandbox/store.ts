import { randomUUID } from "node:crypto";
import { typeKey, type ResourceType } from "./resources";
import type { KObject, WatchEventType } from "./types";

/** One stored object with its serialised JSON, built on first read and dropped on change. */
export class Entry {
  buf: Buffer | null = null;
  metaBuf: Buffer | null = null;
  /** Bytes of the object's JSON, counted against the cluster's byte budget. */
  size = 0;
  constructor(public obj: KObject) {}
  /** Where the object's JSON continues after its leading kind and apiVersion (see itemTail). */
  private tailAt = 1;
  json(): Buffer {
    if (!this.buf) {
      const text = JSON.stringify(this.obj);
      this.buf = Buffer.from(text);
      const kind = `"kind":${JSON.stringify(this.obj.kind)},`;
      const av = `"apiVersion":${JSON.stringify(this.obj.apiVersion)},`;
      const prefix = [`{${kind}${av}`, `{${av}${kind}`].find((p) => text.startsWith(p));
      this.tailAt = prefix ? Buffer.byteLength(prefix) : 1;
    }
    return this.buf;
  }
  /**
   * The object as an item of a list: without its kind and apiVersion, which a list names once
   * (as kube-apiserver serves lists). A view of json() after `{`; the list writes the `{`.
   */
  itemTail(): Buffer {
    const buf = this.json();
    return buf.subarray(this.tailAt);
  }
  /** The object as a PartialObjectMetadata (what a metadata-only list holds), cached like json(). */
  metadataJson(): Buffer {
    if (!this.metaBuf) this.metaBuf = Buffer.from(`{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(this.obj.metadata)}}`);
    return this.metaBuf;
  }
}

/** A change, kept in the cluster's history so that watches can resume from a resourceVersion. */
export class StoreEvent {
  private line: Buffer | null = null;
  constructor(
    readonly rv: number,
    readonly type: WatchEventType,
    readonly tkey: string,
    readonly obj: KObject,
    readonly old: KObject | undefined,
    private readonly entry: Entry | undefined,
  ) {}
  /** The watch line `{"type":...,"object":...}\n`, serialised once for every watcher. */
  wire(): Buffer {
    if (!this.line) {
      let body: Buffer;
      if (this.entry && this.entry.obj === this.obj) body = this.entry.json();
      else body = Buffer.from(JSON.stringify(this.obj));
      this.line = Buffer.concat([Buffer.from(`{"type":"${this.type}","object":`), body, Buffer.from("}\n")]);
    }
    return this.line;
  }
}

/**
 * The length of an object's JSON. Computed on every write (about as costly as the serialisation
 * a LIST or a watch does anyway) but not kept: keeping every object's text would double the
 * process's memory.
 */
export const jsonBytes = (o: unknown): number => Buffer.byteLength(JSON.stringify(o));

export type StoreListener = (ev: StoreEvent) => void;

class TypeStore {
  readonly byNs = new Map<string, Map<string, Entry>>();
  size = 0;
  private sortedAll: Entry[] | null = null;
  private sortedNs = new Map<string, Entry[]>();

  invalidate(ns: string) {
    this.sortedAll = null;
    this.sortedNs.delete(ns);
  }

  /** Entries ordered by namespace then name, cached until an object is added or removed. */
  sorted(ns?: string): Entry[] {
    if (ns !== undefined) {
      let s = this.sortedNs.get(ns);
      if (!s) {
        const m = this.byNs.get(ns);
        s = m ? [...m.keys()].sort().map((k) => m.get(k)!) : [];
        this.sortedNs.set(ns, s);
      }
      return s;
    }
    if (!this.sortedAll) {
      const out: Entry[] = [];
      for (const n of [...this.byNs.keys()].sort()) out.push(...this.sorted(n));
      this.sortedAll = out;
    }
    return this.sortedAll;
  }
}

export interface StoreOptions {
  historySize?: number;
}

/** The objects of one virtual cluster, with a resourceVersion counter, indexes and a change history. */
export class Store {
  rv = 1;
  /** Bytes of JSON of every stored object: what the cluster's byte budget (maxBytes) limits. */
  bytes = 0;
  private readonly types = new Map<string, TypeStore>();
  private readonly history: (StoreEvent | undefined)[];
  private historyStart = 0;
  private historyLen = 0;
  /** Versions below this were never kept (before the last compaction). */
  private floor = 0;
  private readonly listeners: StoreListener[] = [];
  /** Pods by spec.nodeName. */
  readonly podsByNode = new Map<string, Set<Entry>>();
  /** Objects by the uid of an owner. */
  readonly byOwner = new Map<string, Set<Entry>>();

  constructor(opts: StoreOptions = {}) {
    this.history = new Array<StoreEvent | undefined>(opts.historySize ?? 4096);
  }

  private ts(t: { group: string; plural: string }): TypeStore {
    const k = typeKey(t);
    let s = this.types.get(k);
    if (!s) {
      s = new TypeStore();
      this.types.set(k, s);
    }
    return s;
  }

  onChange(l: StoreListener) {
    this.listeners.push(l);
  }

  count(t: ResourceType, ns?: string): number {
    const s = this.ts(t);
    if (ns === undefined) return s.size;
    return s.byNs.get(ns)?.size ?? 0;
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, s] of this.types) if (s.size) out[k] = s.size;
    return out;
  }

  total(): number {
    let n = 0;
    for (const s of this.types.values()) n += s.size;
    return n;
  }

  get(t: ResourceType, ns: string, name: string): KObject | undefined {
    return this.ts(t).byNs.get(t.namespaced ? ns : "")?.get(name)?.obj;
  }

  entry(t: ResourceType, ns: string, name: string): Entry | undefined {
    return this.ts(t).byNs.get(t.namespaced ? ns : "")?.get(name);
  }

  /** Entries sorted by namespace/name; ns undefined means all namespaces. */
  sorted(t: ResourceType, ns?: string): Entry[] {
    return this.ts(t).sorted(t.namespaced ? ns : undefined);
  }

  /** Unordered iteration, cheaper than sorted() for controllers. */
  *each(t: ResourceType, ns?: string): Generator<KObject> {
    const s = this.ts(t);
    if (ns !== undefined && t.namespaced) {
      const m = s.byNs.get(ns);
      if (m) for (const e of m.values()) yield e.obj;
      return;
    }
    for (const m of s.byNs.values()) for (const e of m.values()) yield e.obj;
  }

  namespacesOf(t: ResourceType): string[] {
    return [...this.ts(t).byNs.keys()];
  }

  /** Store an object as given (caller has set metadata), bumping resourceVersion. Returns the stored object. */
  put(t: ResourceType, obj: KObject, opts: { silent?: boolean } = {}): KObject {
    const s = this.ts(t);
    const ns = t.namespaced ? (obj.metadata.namespace ?? "") : "";
    const name = obj.metadata.name!;
    let m = s.byNs.get(ns);
    if (!m) {
      m = new Map();
      s.byNs.set(ns, m);
    }
    this.rv++;
    // Metadata may be shared with the previous version (a shallow copy); never write into it.
    obj.metadata = { ...obj.metadata, resourceVersion: String(this.rv), uid: obj.metadata.uid || randomUUID() };
    const prev = m.get(name);
    let entry: Entry;
    let old: KObject | undefined;
    if (prev) {
      old = prev.obj;
      this.unindex(prev);
      this.bytes -= prev.size;
      prev.obj = obj;
      prev.buf = null;
      prev.metaBuf = null;
      entry = prev;
    } else {
      entry = new Entry(obj);
      m.set(name, entry);
      s.size++;
      s.invalidate(ns);
    }
    entry.size = jsonBytes(obj);
    this.bytes += entry.size;
    this.index(t, entry);
    if (!opts.silent) this.emit(new StoreEvent(this.rv, old ? "MODIFIED" : "ADDED", typeKey(t), obj, old, entry));
    return obj;
  }

  /** Remove an object; the DELETED event carries a fresh resourceVersion. */
  remove(t: ResourceType, ns: string, name: string): KObject | undefined {
    const s = this.ts(t);
    const key = t.namespaced ? ns : "";
    const m = s.byNs.get(key);
    const prev = m?.get(name);
    if (!m || !prev) return undefined;
    m.delete(name);
    if (m.size === 0) s.byNs.delete(key);
    s.size--;
    s.invalidate(key);
    this.unindex(prev);
    this.bytes -= prev.size;
    this.rv++;
    const obj: KObject = { ...prev.obj, metadata: { ...prev.obj.metadata, resourceVersion: String(this.rv) } };
    this.emit(new StoreEvent(this.rv, "DELETED", typeKey(t), obj, prev.obj, undefined));
    return obj;
  }

  private index(t: ResourceType, e: Entry) {
    if (t.plural === "pods" && !t.group) {
      const node = (e.obj.spec as { nodeName?: string } | undefined)?.nodeName;
      if (node) {
        let set = this.podsByNode.get(node);
        if (!set) this.podsByNode.set(node, (set = new Set()));
        set.add(e);
      }
    }
    for (const o of e.obj.metadata.ownerReferences ?? []) {
      let set = this.byOwner.get(o.uid);
      if (!set) this.byOwner.set(o.uid, (set = new Set()));
      set.add(e);
    }
  }

  private unindex(e: Entry) {
    const node = (e.obj.spec as { nodeName?: string } | undefined)?.nodeName;
    if (node) {
      const set = this.podsByNode.get(node);
      set?.delete(e);
      if (set && set.size === 0) this.podsByNode.delete(node);
    }
    for (const o of e.obj.metadata.ownerReferences ?? []) {
      const set = this.byOwner.get(o.uid);
      set?.delete(e);
      if (set && set.size === 0) this.byOwner.delete(o.uid);
    }
  }

  /** Objects whose ownerReferences name this uid. */
  dependents(uid: string): KObject[] {
    return [...(this.byOwner.get(uid) ?? [])].map((e) => e.obj);
  }

  private emit(ev: StoreEvent) {
    const cap = this.history.length;
    const idx = (this.historyStart + this.historyLen) % cap;
    this.history[idx] = ev;
    if (this.historyLen < cap) this.historyLen++;
    else this.historyStart = (this.historyStart + 1) % cap;
    for (const l of this.listeners) l(ev);
  }

  /**
   * Events after resourceVersion `rv` for one type, or null when that version is older than the
   * history kept (the client must list again: 410 Gone).
   */
  eventsSince(rv: number, tkey: string): StoreEvent[] | null {
    if (rv >= this.rv) return [];
    if (rv < this.floor) return null;
    const cap = this.history.length;
    if (this.historyLen === cap) {
      const oldest = this.history[this.historyStart]!;
      if (oldest.rv > rv + 1) return null;
    }
    const out: StoreEvent[] = [];
    for (let i = 0; i < this.historyLen; i++) {
      const ev = this.history[(this.historyStart + i) % cap]!;
      if (ev.rv > rv && ev.tkey === tkey) out.push(ev);
    }
    return out;
  }

  /** Whether every change after version `rv` is still kept (without listing them). */
  keeps(rv: number): boolean {
    if (rv >= this.rv) return true;
    if (rv < this.floor) return false;
    if (this.historyLen === this.history.length) return this.history[this.historyStart]!.rv <= rv + 1;
    return true;
  }

  /** Forget the change history, as a restarted API server's watch cache does. */
  compact() {
    this.history.fill(undefined);
    this.historyStart = 0;
    this.historyLen = 0;
    this.floor = this.rv;
  }

  /** Every object, for a snapshot. */
  dump(): { rv: number; types: Record<string, KObject[]> } {
    const types: Record<string, KObject[]> = {};
    for (const [k, s] of this.types) {
      const list: KObject[] = [];
      for (const m of s.byNs.values()) for (const e of m.values()) list.push(e.obj);
      if (list.length) types[k] = list;
    }
    return { rv: this.rv, types };
  }
}
