import { readdirSync, readFileSync, existsSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { parse as parseYaml } from "yaml";

// Replays the requests a real kube-apiserver answered (reference/, recorded against v1.26) and
// compares the sandbox's answers with the recorded ones: what clients act on (status, kind,
// reason, causes, Content-Type, Warning, Retry-After) exactly, and bodies by their shape (keys
// and types), since names, uids, versions, times, counts and list order differ by nature.

export const REFERENCE_DIR = path.join(import.meta.dirname, "reference", "kube-apiserver-v1.26");

export interface Step {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  code: number;
  refHeaders: Record<string, string>;
  refBody: string;
}

function parseReq(text: string): Pick<Step, "method" | "path" | "headers" | "body"> {
  const space = text.indexOf(" ");
  const method = text.slice(0, space);
  let rest = text.slice(space + 1);
  const sp = rest.indexOf(" ");
  const reqPath = sp < 0 ? rest.trim() : rest.slice(0, sp);
  rest = sp < 0 ? "" : rest.slice(sp + 1);
  let body: string | undefined;
  const d = rest.indexOf("--data-binary ");
  if (d >= 0) {
    body = rest.slice(d + "--data-binary ".length).replace(/\n$/, "");
    rest = rest.slice(0, d);
  }
  const headers: Record<string, string> = {};
  for (const part of rest.split(/(?:^|\s)-H /).map((s) => s.trim()).filter(Boolean)) {
    const c = part.indexOf(":");
    headers[part.slice(0, c).trim().toLowerCase()] = part.slice(c + 1).trim();
  }
  return { method, path: reqPath, headers, body };
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n").slice(1)) {
    const c = line.indexOf(":");
    if (c > 0) out[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return out;
}

/**
 * The steps in the order they ran. Numbers give the order; within a number the names are in
 * alphabetical order except where a step needs what another made (listed here).
 */
const WITHIN: Record<string, string[]> = {
  "14": ["14-cm-get", "14-cm-put", "14-cm-put-stale", "14-cm-put-no-rv", "14-cm-immutable-create", "14-cm-immutable-change"],
  "15": ["15-dryrun-create", "15-dryrun-get-after", "15-dryrun-delete", "15-dryrun-get-c1", "15-qd-create", "15-delete-body-and-query-dryrun", "15-qd-get-after"],
  "21": ["21-smp", "21-smp-delete-directive"],
  "22": ["22-merge", "22-merge-list-replace"],
  "23": ["23-jsonpatch"],
  "40": ["40-cm-l1", "40-cm-l2", "40-cm-l3", "40-cm-l4", "40-list-before-l5", "40-cm-l5"],
  "50": ["50-list-rv0", "50-list-rv0-limit"],
  "60": ["60-list-for-watch", "60-watch-rv-bookmarks", "60-watch-rv-nobookmarks", "60-w-create", "60-w-patch", "60-w-delete"],
  "100": ["100-delcol", "100-delcol-after"],
  "112": ["112-delete-foreground", "112-foreground-get-immediately"],
  "131": ["131-evict-no-pdb", "131-evicted-pod-get"],
  "132": ["132-pdb-create", "132-pdb-get"],
  "145": ["145-pending-pod", "145-log-pending"],
  "151": ["151-scale-put", "151-scale-put-stale"],
  "157": ["157-status-patch-spec", "157-after-status-patch"],
  "169": ["169-pod-delete-graceful", "169-pod-get-after-delete"],
  "190": ["190-term-ns-create"],
};

export function loadSteps(dir = REFERENCE_DIR): Step[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".req"))
    .map((f) => f.slice(0, -4));
  const num = (n: string) => n.split("-")[0]!;
  const rank = (n: string) => {
    const first = WITHIN[num(n)] ?? [];
    const i = first.indexOf(n);
    return i < 0 ? first.length : i;
  };
  names.sort((a, b) => Number(num(a)) - Number(num(b)) || rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const file = (ext: string) => path.join(dir, `${name}.${ext}`);
    return {
      name,
      ...parseReq(readFileSync(file("req"), "utf8")),
      code: Number(readFileSync(file("code"), "utf8").trim()),
      refHeaders: parseHeaders(readFileSync(file("hdr"), "utf8")),
      refBody: existsSync(file("body")) ? readFileSync(file("body"), "latin1") : "",
    };
  });
}

export interface Answer {
  code: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTPS request as curl sent it: the given headers only, the body as given. */
export function send(base: string, caPem: string, step: Pick<Step, "method" | "path" | "body">, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(base + step.path);
    const req = https.request(url, { method: step.method, ca: caPem, headers: { ...headers, ...(step.body !== undefined ? { "content-length": String(Buffer.byteLength(step.body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(", ") : v;
        resolve({ code: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString("latin1") });
      });
    });
    req.on("error", reject);
    if (step.body !== undefined) req.write(step.body);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Comparison

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Objects whose keys are data (labels, ConfigMap data, resource quantities): compared as maps. */
const MAP_KEYS = new Set(["labels", "annotations", "data", "binaryData", "stringData", "matchLabels", "nodeSelector", "capacity", "allocatable", "limits", "requests", "fieldsV1", "selector", "usage", "extra", "paths"]);
/** Keys whose values are opaque to a client here (tokens, generated certificates). */
const OPAQUE = new Set(["fieldsV1"]);

const typeOf = (v: Json | undefined): string => (v === undefined ? "absent" : v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** The union of the shapes of several values (the elements of a list). */
function merge(values: Json[]): Json {
  const objs = values.filter((v) => typeOf(v) === "object") as { [k: string]: Json }[];
  if (objs.length === 0) return values[0] ?? null;
  const out: { [k: string]: Json } = {};
  const keys = new Set(objs.flatMap((o) => Object.keys(o)));
  for (const k of keys) {
    const vs = objs.filter((o) => k in o).map((o) => o[k]!);
    const t = typeOf(vs[0]);
    out[k] = t === "object" ? merge(vs) : t === "array" ? (vs as Json[][]).flat() : vs[0]!;
  }
  return out;
}

/** Differences of shape between the reference value and the sandbox's. */
export function shapeDiff(ref: Json | undefined, got: Json | undefined, at: string, out: string[], mapLike = false) {
  const tr = typeOf(ref);
  const tg = typeOf(got);
  if (tr !== tg) {
    // A number serialised as a string (quantities, IntOrString) is a value, not a shape.
    if (!((tr === "number" || tr === "string") && (tg === "number" || tg === "string") && /targetPort|maxSurge|maxUnavailable|minAvailable/.test(at)))
      out.push(`${at || "body"}: ${tr} in the reference, ${tg} here`);
    return;
  }
  if (tr === "array") {
    const r = ref as Json[];
    const g = got as Json[];
    if (r.length === 0 || g.length === 0) return;
    shapeDiff(merge(r), merge(g), `${at}[]`, out);
    return;
  }
  if (tr !== "object" || mapLike) return;
  const r = ref as { [k: string]: Json };
  const g = got as { [k: string]: Json };
  for (const k of Object.keys(r)) {
    const p = at ? `${at}.${k}` : k;
    if (!(k in g)) out.push(`${p}: missing here`);
    else if (!OPAQUE.has(k)) shapeDiff(r[k], g[k], p, out, MAP_KEYS.has(k));
  }
  for (const k of Object.keys(g)) if (!(k in r)) out.push(`${at ? `${at}.${k}` : k}: not in the reference`);
}

const parseJson = (s: string): Json | undefined => {
  try {
    return JSON.parse(s) as Json;
  } catch {
    return undefined;
  }
};

const mediaType = (h: string | undefined) => (h ?? "").split(";")[0]!.trim().toLowerCase();

/** A watch stream: one JSON event a line. */
const events = (s: string): { type: string; object: Json }[] | undefined => {
  const lines = s.split("\n").filter((l) => l.trim());
  const out = lines.map((l) => parseJson(l));
  if (out.some((e) => typeOf(e) !== "object" || !("type" in (e as object)))) return undefined;
  return out as unknown as { type: string; object: Json }[];
};

const causesOf = (b: Json | undefined) => {
  const c = (b as { details?: { causes?: { field?: string; reason?: string }[] } } | undefined)?.details?.causes ?? [];
  return c.map((x) => `${x.field ?? ""}:${x.reason ?? ""}`).sort();
};

/** Every difference between the reference's answer to a step and the sandbox's. */
export function compare(step: Step, got: Answer): string[] {
  const out: string[] = [];
  if (step.code !== got.code) out.push(`status ${step.code} in the reference, ${got.code} here`);
  const rct = step.refHeaders["content-type"];
  const gct = got.headers["content-type"];
  if ((rct ?? "") !== (gct ?? "")) out.push(`Content-Type ${rct ?? "(none)"} in the reference, ${gct ?? "(none)"} here`);
  for (const h of ["warning", "retry-after"]) if ((step.refHeaders[h] ?? "") !== (got.headers[h] ?? "")) out.push(`${h} ${step.refHeaders[h] ?? "(none)"} in the reference, ${got.headers[h] ?? "(none)"} here`);
  const type = mediaType(rct);
  if (type === "text/plain" && parseJson(step.refBody) !== undefined && typeOf(parseJson(step.refBody)) === "object") {
    // Upstream serves some JSON documents (the OpenAPI v3 root) as text/plain.
    const got2 = parseJson(got.body);
    if (got2 === undefined) out.push("a JSON document in the reference, not here");
    else shapeDiff(parseJson(step.refBody), got2, "", out);
    return out;
  }
  if (type === "text/plain") {
    // Logs and health answers are text; logs depend on a kubelet the reference did not have.
    if (!step.path.includes("/log") && step.refBody.trim() !== got.body.trim()) out.push(`text ${JSON.stringify(step.refBody.slice(0, 60))} in the reference, ${JSON.stringify(got.body.slice(0, 60))} here`);
    return out;
  }
  if (type !== "application/json" && type !== "application/yaml") return out;
  if (step.method === "HEAD") return out;
  const ref = type === "application/yaml" ? (parseYaml(step.refBody) as Json) : parseJson(step.refBody);
  const gotBody = mediaType(gct) === "application/yaml" ? (parseYaml(got.body) as Json) : parseJson(got.body);
  if (ref === undefined) {
    const re = events(step.refBody);
    const ge = events(got.body);
    if (!re) return out;
    if (!ge) return [...out, "a watch stream in the reference, not here"];
    const types = (l: { type: string }[]) => l.map((e) => e.type).sort().join(",");
    if (types(re) !== types(ge)) out.push(`watch events ${types(re) || "(none)"} in the reference, ${types(ge) || "(none)"} here`);
    for (const t of new Set(re.map((e) => e.type))) {
      const r = re.filter((e) => e.type === t).map((e) => e.object);
      const g = ge.filter((e) => e.type === t).map((e) => e.object);
      if (g.length) shapeDiff(merge(r), merge(g), `${t}.object`, out);
    }
    return out;
  }
  if (gotBody === undefined) return [...out, "a JSON body in the reference, not here"];
  const r = ref as { kind?: string; reason?: string };
  const g = (gotBody ?? {}) as { kind?: string; reason?: string };
  if (r.kind !== g.kind) out.push(`kind ${r.kind} in the reference, ${g.kind} here`);
  if (r.reason !== g.reason) out.push(`reason ${r.reason} in the reference, ${g.reason} here`);
  const rc = causesOf(ref).join(" ");
  const gc = causesOf(gotBody).join(" ");
  if (rc !== gc) out.push(`causes [${rc}] in the reference, [${gc}] here`);
  // A Table's columns are its schema: kubectl prints them, -o wide among them.
  if (r.kind === "Table" && g.kind === "Table") {
    const cols = (b: unknown) => ((b as { columnDefinitions?: { name: string; priority?: number }[] }).columnDefinitions ?? []).map((c) => `${c.name}${c.priority ? "*" : ""}`).join(",");
    if (cols(ref) !== cols(gotBody)) out.push(`columns ${cols(ref)} in the reference, ${cols(gotBody)} here`);
  }
  shapeDiff(ref, gotBody, "", out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// What the reference named, mapped to what the sandbox named

/**
 * Values the reference's server made up (resourceVersions, continue tokens, generated names,
 * tokens) that later requests repeat, and what the sandbox made up in their place.
 */
export class Substitutions {
  readonly map = new Map<string, string>();

  learn(ref: Json | undefined, got: Json | undefined) {
    const r = ref as { metadata?: Record<string, unknown>; status?: Record<string, unknown> } | undefined;
    const g = got as { metadata?: Record<string, unknown>; status?: Record<string, unknown> } | undefined;
    if (!r || !g || typeof r !== "object" || typeof g !== "object") return;
    for (const k of ["resourceVersion", "continue", "uid"]) this.add(r.metadata?.[k], g.metadata?.[k]);
    if (r.metadata?.generateName) this.add(r.metadata.name, g.metadata?.name);
    this.add(r.status?.token, g.status?.token);
  }

  add(from: unknown, to: unknown) {
    if (typeof from !== "string" || typeof to !== "string" || from.length < 2 || this.map.has(from)) return;
    this.map.set(from, to);
  }

  /** Replaces whole values only: a query parameter's, a path segment, a JSON string. */
  apply(s: string): string {
    return s.replace(/(?<=^|[="/,])[^="/,&?\s]+(?=$|["&/,])/g, (v) => this.map.get(v) ?? v);
  }
}
