import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest, invalid } from "../errors";
import { checkFieldLabels, parseFieldSelector, parseLabelSelector } from "../selectors";
import { apiVersionOf, POD, typeKey, type ResourceType } from "../resources";
import { Entry, type Store } from "../store";
import type { KObject } from "../types";
import { sendJson, wantsMetadataList, wantsTable, write } from "./http";
import { toTable } from "./tables";

export interface ListQuery {
  label: (l: Record<string, string> | undefined) => boolean;
  field: (o: KObject) => boolean;
  nodeName?: string;
  name?: string;
}

export function parseListQuery(q: URLSearchParams, t?: ResourceType): ListQuery {
  if (t) checkFieldLabels(typeKey(t), q.get("fieldSelector"));
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

// Continue tokens are kube-apiserver's: base64url of {"v":"meta.k8s.io/v1","rv":<list version>,
// "start":"<key after the last item>\u0000"}, the key being name in a namespace and
// namespace/name across them. A token from a real server (or made by hand) reads the same.
function decodeContinue(token: string): { key: string; rv: number } {
  let v: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as typeof v;
  } catch (e) {
    throw badRequest(`invalid continue token: continue key is not valid: ${e instanceof Error ? e.message : "not JSON"}`);
  }
  if (v.v !== "meta.k8s.io/v1") throw badRequest(`invalid continue token: continue key is not valid: server does not recognize this encoded key version "${String(v.v)}"`);
  if (typeof v.rv !== "number" || typeof v.start !== "string" || !v.start) throw badRequest("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  return { key: v.start.replace(/\u0000$/, ""), rv: v.rv };
}

const encodeContinue = (k: string, rv: number) => Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: `${k}\u0000` })).toString("base64url");

const EXPIRED_CONTINUE =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/** A resourceVersion parameter as upstream parses it: 500 when it is not a number (its words). */
export function parseResourceVersion(v: string): number {
  if (!/^\d+$/.test(v)) throw new ApiError(500, "", `resourceVersion: Invalid value: ${JSON.stringify(v)}: strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** A version the store has not reached: upstream waits a few seconds for it, then answers 504. */
function tooLarge(rv: number, current: number): ApiError {
  const e = new ApiError(504, "Timeout", `Timeout: Too large resource version: ${rv}, current: ${current}`, { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], retryAfterSeconds: 1 });
  e.retryAfterSeconds = 1;
  return e;
}

const listOptionsInvalid = (message: string, reason: string) => invalid("ListOptions", "meta.k8s.io", "", [{ field: "resourceVersionMatch", message, reason }]);

/**
 * The list's resourceVersion semantics: the version served at (undefined: the latest), after
 * refusing what upstream refuses (continue with a version, a match without one, an unknown match,
 * an unparsable or future version, an Exact version older than the history kept).
 */
function listVersion(store: Store, q: URLSearchParams): { at?: number; ignoreLimit: boolean } {
  const rvParam = q.get("resourceVersion");
  const match = q.get("resourceVersionMatch");
  if (q.get("continue") && rvParam) throw badRequest("specifying resource version is not allowed when using continue");
  if (match !== null && match !== "") {
    if (!rvParam) throw listOptionsInvalid("Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided", "FieldValueForbidden");
    if (match !== "Exact" && match !== "NotOlderThan") throw listOptionsInvalid(`Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan", ""`, "FieldValueNotSupported");
  }
  if (!rvParam) return { ignoreLimit: false };
  const rv = parseResourceVersion(rvParam);
  // resourceVersion=0 is served from the watch cache, which does not page.
  if (rv === 0 && match !== "Exact") return { ignoreLimit: true };
  if (rv > store.rv) throw tooLarge(rv, store.rv);
  if (match === "Exact") {
    if (!store.keeps(rv)) throw new ApiError(410, "Expired", "The resourceVersion for the provided list is too old.");
    return { at: rv, ignoreLimit: false };
  }
  return { ignoreLimit: false };
}

/** The entries as they were at version `rv`: the current ones with the later changes undone. */
function entriesAt(store: Store, key: string, current: Entry[], rv: number, ns: string | undefined): Entry[] {
  const later = store.eventsSince(rv, key) ?? [];
  if (later.length === 0) return current;
  const byKey = new Map(current.map((e) => [keyOf(e.obj), e]));
  for (const ev of [...later].reverse()) {
    const k = keyOf(ev.obj);
    if (ev.type === "ADDED") byKey.delete(k);
    else if (ev.old) byKey.set(k, new Entry(ev.old));
  }
  return [...byKey.entries()]
    .filter(([, e]) => ns === undefined || e.obj.metadata.namespace === ns)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([, e]) => e);
}

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
  const lq = parseListQuery(q, t);
  const key = typeKey(t);
  const version = listVersion(store, q);
  let entries = candidates(store, t, ns, lq);
  if (version.at !== undefined && version.at !== store.rv) entries = entriesAt(store, key, entries, version.at, t.namespaced ? ns : undefined);
  const limitRaw = Number(q.get("limit") ?? 0);
  const limit = Number.isFinite(limitRaw) && limitRaw > 0 && !version.ignoreLimit ? Math.floor(limitRaw) : 0;
  const cont = q.get("continue");
  let i = 0;
  let rv = version.at ?? store.rv;
  if (cont) {
    const token = decodeContinue(cont);
    const start = !t.namespaced ? `/${token.key}` : ns !== undefined ? `${ns}/${token.key}` : token.key;
    if (token.rv > 0 && !store.keeps(token.rv)) {
      const e = new ApiError(410, "Expired", EXPIRED_CONTINUE);
      e.statusMetadata = { continue: encodeContinue(token.key, -1) };
      throw e;
    }
    if (token.rv > 0) rv = token.rv;
    i = firstAfter(entries, start);
  }
  const filtered = (e: Entry) => lq.label(e.obj.metadata.labels) && lq.field(e.obj);
  const metadataOnly = wantsMetadataList(req) && !wantsTable(req);
  const kind = metadataOnly ? "PartialObjectMetadataList" : `${t.kind}List`;
  const apiVersion = metadataOnly ? "meta.k8s.io/v1" : apiVersionOf(t);
  // Items are written as `{` and the rest of each object (its kind and apiVersion left out).
  const body = metadataOnly ? (e: Entry) => e.metadataJson().subarray(1) : (e: Entry) => e.itemTail();

  if (limit > 0 || wantsTable(req)) {
    const page: Entry[] = [];
    for (; i < entries.length && (limit === 0 || page.length < limit); i++) if (filtered(entries[i]!)) page.push(entries[i]!);
    const last = page[page.length - 1]?.obj;
    const lastKey = !last ? "" : t.namespaced && ns === undefined ? keyOf(last) : last.metadata.name!;
    const next = limit > 0 && i < entries.length && page.length > 0 ? encodeContinue(lastKey, rv) : undefined;
    const meta: Record<string, unknown> = { resourceVersion: String(rv) };
    if (next) meta.continue = next;
    if (wantsTable(req)) {
      sendJson(res, 200, toTable(t, page.map((e) => e.obj), String(rv), q.get("includeObject"), next ? { continue: next } : {}));
      return;
    }
    const head = Buffer.from(`{"kind":"${kind}","apiVersion":"${apiVersion}","metadata":${JSON.stringify(meta)},"items":[`);
    let length = head.length + END.length + Math.max(0, page.length - 1) + page.length * OPEN.length;
    for (const e of page) length += body(e).length;
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": length });
    // Corked writes of the cached buffers: no page-sized copy on the JavaScript heap.
    res.cork();
    res.write(head);
    page.forEach((e, j) => {
      res.write(j ? NEXT : OPEN);
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
    chunk.push(first ? OPEN : NEXT);
    first = false;
    const b = body(e);
    chunk.push(b);
    size += b.length + 1;
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

const OPEN = Buffer.from("{");
const NEXT = Buffer.from(",{");
const END = Buffer.from("]}");
const CHUNK = 1 << 20;
