import type { IncomingMessage, ServerResponse } from "node:http";
import { badRequest } from "../errors";
import { parseFieldSelector, parseLabelSelector } from "../selectors";
import { apiVersionOf, POD, type ResourceType } from "../resources";
import type { Entry, Store } from "../store";
import type { KObject } from "../types";
import { sendJson, wantsMetadataList, wantsTable, write } from "./http";
import { toTable } from "./tables";

export interface ListQuery {
  label: (l: Record<string, string> | undefined) => boolean;
  field: (o: KObject) => boolean;
  nodeName?: string;
  name?: string;
}

export function parseListQuery(q: URLSearchParams): ListQuery {
  const f = parseFieldSelector(q.get("fieldSelector"));
  return { label: parseLabelSelector(q.get("labelSelector")), field: f.match, nodeName: f.nodeName, name: f.name };
}

const keyOf = (o: KObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

/** Candidate entries in namespace/name order, narrowed by the indexes a field selector allows. */
function candidates(store: Store, t: ResourceType, ns: string | undefined, q: ListQuery): Entry[] {
  if (q.name !== undefined) {
    if (t.namespaced && ns === undefined) return store.sorted(t).filter((e) => e.obj.metadata.name === q.name);
    const e = store.entry(t, ns ?? "", q.name);
    return e ? [e] : [];
  }
  if (t === POD && q.nodeName !== undefined) {
    const set = store.podsByNode.get(q.nodeName);
    const list = set ? [...set] : [];
    if (ns !== undefined) return list.filter((e) => e.obj.metadata.namespace === ns).sort((a, b) => (keyOf(a.obj) < keyOf(b.obj) ? -1 : 1));
    return list.sort((a, b) => (keyOf(a.obj) < keyOf(b.obj) ? -1 : 1));
  }
  return store.sorted(t, ns);
}

function decodeContinue(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { k?: unknown };
    if (typeof v.k !== "string") throw new Error("bad");
    return v.k;
  } catch {
    throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
}

const encodeContinue = (k: string, rv: number) => Buffer.from(JSON.stringify({ k, rv })).toString("base64url");

function firstAfter(entries: Entry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(entries[mid]!.obj) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Serve a LIST: a page (limit/continue) or a streamed concatenation of cached object buffers. */
export async function serveList(
  req: IncomingMessage,
  res: ServerResponse,
  store: Store,
  t: ResourceType,
  ns: string | undefined,
  q: URLSearchParams,
): Promise<void> {
  const lq = parseListQuery(q);
  const entries = candidates(store, t, ns, lq);
  const limitRaw = Number(q.get("limit") ?? 0);
  const limit = Number.isFinite(limitRaw) && limitRaw > 0 ? Math.floor(limitRaw) : 0;
  const cont = q.get("continue");
  let i = cont ? firstAfter(entries, decodeContinue(cont)) : 0;
  const rv = store.rv;
  const filtered = (e: Entry) => lq.label(e.obj.metadata.labels) && lq.field(e.obj);
  const metadataOnly = wantsMetadataList(req) && !wantsTable(req);
  const kind = metadataOnly ? "PartialObjectMetadataList" : `${t.kind}List`;
  const apiVersion = metadataOnly ? "meta.k8s.io/v1" : apiVersionOf(t);
  const body = metadataOnly ? (e: Entry) => e.metadataJson() : (e: Entry) => e.json();

  if (limit > 0 || wantsTable(req)) {
    const page: Entry[] = [];
    for (; i < entries.length && (limit === 0 || page.length < limit); i++) if (filtered(entries[i]!)) page.push(entries[i]!);
    const next = limit > 0 && i < entries.length && page.length > 0 ? encodeContinue(keyOf(page[page.length - 1]!.obj), rv) : undefined;
    const meta: Record<string, unknown> = { resourceVersion: String(rv) };
    if (next) meta.continue = next;
    if (wantsTable(req)) {
      sendJson(res, 200, toTable(t, page.map((e) => e.obj), String(rv), q.get("includeObject"), next ? { continue: next } : {}));
      return;
    }
    const head = Buffer.from(`{"kind":"${kind}","apiVersion":"${apiVersion}","metadata":${JSON.stringify(meta)},"items":[`);
    let length = head.length + END.length + Math.max(0, page.length - 1);
    for (const e of page) length += body(e).length;
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": length });
    // Corked writes of the cached buffers: no page-sized copy on the JavaScript heap.
    res.cork();
    res.write(head);
    page.forEach((e, j) => {
      if (j) res.write(COMMA);
      res.write(body(e));
    });
    res.end(END);
    return;
  }

  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  let chunk: Buffer[] = [Buffer.from(`{"kind":"${kind}","apiVersion":"${apiVersion}","metadata":{"resourceVersion":"${rv}"},"items":[`)];
  let size = 0;
  let first = true;
  for (; i < entries.length; i++) {
    const e = entries[i]!;
    if (!filtered(e)) continue;
    if (!first) chunk.push(COMMA);
    first = false;
    const b = body(e);
    chunk.push(b);
    size += b.length;
    if (size >= CHUNK) {
      const w = write(res, Buffer.concat(chunk));
      chunk = [];
      size = 0;
      if (w) await w;
      if (res.destroyed) return;
    }
  }
  chunk.push(END);
  res.end(Buffer.concat(chunk));
}

const COMMA = Buffer.from(",");
const END = Buffer.from("]}");
const CHUNK = 1 << 20;
