import type { IncomingMessage, ServerResponse } from "node:http";
import { apiVersionOf, typeKey, type ResourceType } from "../resources";
import type { Store, StoreEvent } from "../store";
import type { KObject } from "../types";
import { boolParam, wantsTable } from "./http";
import { parseListQuery, parseResourceVersion, type ListQuery } from "./list";
import { toTable } from "./tables";

const MAX_BUFFERED = 64 * 1024 * 1024;
const BOOKMARK_MS = 60_000;
const BOOKMARK_BEFORE_END_MS = 1_000;

interface Watcher {
  ns: string | undefined;
  q: ListQuery;
  res: ServerResponse;
  table: { include: string | null; sentColumns: boolean } | null;
  t: ResourceType;
}

/** Delivers store changes to the open watch streams of one virtual cluster. */
export class WatchHub {
  private readonly byType = new Map<string, Set<Watcher>>();

  constructor(private readonly store: Store) {
    store.onChange((ev) => this.dispatch(ev));
  }

  get size(): number {
    let n = 0;
    for (const s of this.byType.values()) n += s.size;
    return n;
  }

  private matches(w: Watcher, o: KObject | undefined): boolean {
    if (!o) return false;
    if (w.ns !== undefined && w.t.namespaced && o.metadata.namespace !== w.ns) return false;
    return w.q.label(o.metadata.labels) && w.q.field(o);
  }

  private dispatch(ev: StoreEvent) {
    const set = this.byType.get(ev.tkey);
    if (!set) return;
    for (const w of set) {
      const now = this.matches(w, ev.obj);
      if (now) this.send(w, ev.type, ev.obj, ev);
      else if (ev.type === "MODIFIED" && this.matches(w, ev.old)) this.send(w, "DELETED", ev.obj);
    }
  }

  private send(w: Watcher, type: string, obj: KObject, ev?: StoreEvent) {
    if (w.res.destroyed) return;
    let line: Buffer;
    if (w.table) {
      const table = toTable(w.t, [obj], obj.metadata.resourceVersion ?? "", w.table.include);
      const body: Record<string, unknown> = { ...table };
      if (w.table.sentColumns) body.columnDefinitions = [];
      w.table.sentColumns = true;
      line = Buffer.from(JSON.stringify({ type, object: body }) + "\n");
    } else if (ev && ev.type === type) line = ev.wire();
    else line = Buffer.from(JSON.stringify({ type, object: obj }) + "\n");
    w.res.write(line);
    // A consumer that stops reading would otherwise hold unbounded memory.
    if (w.res.writableLength > MAX_BUFFERED) w.res.destroy();
  }

  /** Serve a WATCH: initial state or history since resourceVersion, then live events. */
  serve(req: IncomingMessage, res: ServerResponse, t: ResourceType, ns: string | undefined, q: URLSearchParams) {
    const lq = parseListQuery(q, t);
    const table = wantsTable(req) ? { include: q.get("includeObject"), sentColumns: false } : null;
    const w: Watcher = { ns, q: lq, res, table, t };
    const rvParam = q.get("resourceVersion");
    const tkey = typeKey(t);
    // An unparsable version is refused (500, upstream's words) before the stream starts.
    if (rvParam) parseResourceVersion(rvParam);
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    if (rvParam && rvParam !== "0") {
      const rv = Number(rvParam);
      const backlog = Number.isFinite(rv) ? this.store.eventsSince(rv, tkey) : null;
      if (backlog === null) {
        const status = {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: `too old resource version: ${rvParam} (${this.store.rv})`,
          reason: "Expired",
          code: 410,
        };
        res.end(JSON.stringify({ type: "ERROR", object: status }) + "\n");
        return;
      }
      for (const ev of backlog) {
        if (this.matches(w, ev.obj)) this.send(w, ev.type, ev.obj, ev);
        else if (ev.type === "MODIFIED" && this.matches(w, ev.old)) this.send(w, "DELETED", ev.obj);
      }
    } else {
      for (const e of this.store.sorted(t, t.namespaced ? ns : undefined)) {
        if (this.matches(w, e.obj)) {
          if (table) this.send(w, "ADDED", e.obj);
          else {
            res.write(`{"type":"ADDED","object":`);
            res.write(e.json());
            res.write("}\n");
          }
        }
      }
    }
    let set = this.byType.get(tkey);
    if (!set) this.byType.set(tkey, (set = new Set()));
    set.add(w);
    const timers: NodeJS.Timeout[] = [];
    const timeout = Number(q.get("timeoutSeconds") ?? 0);
    if (boolParam(q, "allowWatchBookmarks")) {
      // As the watch cache does: a bookmark once the version has moved since the last one, every
      // minute, and shortly before the watch's own timeout ends it.
      const kind = t.kind;
      const av = apiVersionOf(t);
      let marked = this.store.rv;
      const bookmark = () => {
        if (this.store.rv <= marked || res.destroyed) return;
        marked = this.store.rv;
        res.write(JSON.stringify({ type: "BOOKMARK", object: { kind, apiVersion: av, metadata: { resourceVersion: String(marked), creationTimestamp: null } } }) + "\n");
      };
      timers.push(setInterval(bookmark, BOOKMARK_MS));
      if (timeout > 0) timers.push(setTimeout(bookmark, Math.max(0, timeout * 1000 - BOOKMARK_BEFORE_END_MS)));
    }
    timers.push(setTimeout(() => res.end(), (timeout > 0 ? timeout : 1800) * 1000));
    const cleanup = () => {
      set.delete(w);
      for (const tm of timers) clearTimeout(tm);
    };
    res.on("close", cleanup);
    req.on("close", cleanup);
  }

  /** End every stream, when the cluster is deleted or the server stops. */
  closeAll() {
    for (const set of this.byType.values()) for (const w of set) w.res.end();
    this.byType.clear();
  }
}
