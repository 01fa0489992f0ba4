import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest, tooDeep, tooLarge, unsupportedMedia } from "../errors";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { DEFAULT_MAX_JSON_DEPTH, depthExceeded, valueDepth } from "../limits";
import { decodeK8sProtobuf } from "./protobuf";

/** Upstream's limit on a request body. */
export const MAX_BODY = 3 * 1024 * 1024;

export interface BodyOptions {
  /** Deepest nesting allowed (the cluster's maxJsonDepth). */
  maxDepth?: number;
  /** The kind the body must be, for the refusal's wording; a patch when "patch". */
  kind?: string;
}

/**
 * The refusal of a body nested deeper than allowed, in the words kube-apiserver uses for the
 * same case: its JSON decoder stops with "exceeded max depth", which a create or update reports
 * as an unrecognised object and a patch as an undecodable patch, both 400 BadRequest (not 422:
 * nothing was validated, the body could not be read).
 */
function depthRefusal(text: Buffer, ch: string, kind: string | undefined): ApiError {
  const parseError = `invalid character '${ch}' exceeded max depth`;
  if (kind === "patch") return tooDeep(`error decoding patch: ${parseError}`);
  const summary = text.subarray(0, 30).toString("utf8") + (text.length > 30 ? " ..." : "");
  return tooDeep(`the object provided is unrecognized (must be of type ${kind ?? "Object"}): couldn't get version/kind; json parse error: ${parseError} (${summary})`);
}

/** Read and parse a JSON (or YAML-free) request body within the size and depth limits. */
export async function readJson(req: IncomingMessage, opts: BodyOptions = {}): Promise<unknown> {
  const type = (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim();
  const protobuf = type === "application/vnd.kubernetes.protobuf";
  const yaml = type === "application/apply-patch+yaml" || type === "application/yaml";
  if (!protobuf && !yaml && type !== "application/json" && !type.endsWith("+json") && type !== "*/*" && type !== "") {
    req.resume();
    if (opts.kind === "patch") throw unsupportedMedia(type);
    throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  const len = Number(req.headers["content-length"] ?? 0);
  if (len > MAX_BODY) {
    req.resume();
    throw tooLarge(MAX_BODY);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_BODY) {
      req.resume();
      throw tooLarge(MAX_BODY);
    }
    chunks.push(b);
  }
  const raw = Buffer.concat(chunks);
  if (protobuf) return decodeK8sProtobuf(raw);
  const deep = depthExceeded(raw, opts.maxDepth ?? DEFAULT_MAX_JSON_DEPTH);
  if (deep) throw depthRefusal(raw, deep, opts.kind);
  if (yaml) return readYaml(raw, opts);
  const text = raw.toString("utf8");
  if (!text.trim()) throw badRequest("the request body is empty");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded: ${e instanceof Error ? e.message : "invalid JSON"}`);
  }
}

/** A YAML body (server-side apply's configuration; JSON is YAML too), within the depth limit. */
function readYaml(raw: Buffer, opts: BodyOptions): unknown {
  let v: unknown;
  try {
    v = parseYaml(raw.toString("utf8"), { maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw badRequest(`error decoding YAML: ${e instanceof Error ? e.message.split("\n")[0] : "invalid YAML"}`);
  }
  if (v === null || v === undefined) throw badRequest("the request body is empty");
  const max = opts.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (valueDepth(v) > max) throw tooDeep(`error decoding YAML: the document nests more than ${max} levels deep`);
  return v;
}

export function sendJson(res: ServerResponse, code: number, body: unknown) {
  const buf = Buffer.from(JSON.stringify(body));
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": buf.length, "Cache-Control": "no-cache, private" });
  res.end(buf);
}

export function sendBuffer(res: ServerResponse, code: number, buf: Buffer, type = "application/json") {
  res.writeHead(code, { "Content-Type": type, "Content-Length": buf.length, "Cache-Control": "no-cache, private" });
  res.end(buf);
}

/** A single object as YAML, as `Accept: application/yaml` asks. */
export function sendYaml(res: ServerResponse, code: number, body: unknown) {
  sendBuffer(res, code, Buffer.from(stringifyYaml(body)), "application/yaml");
}

export function sendError(res: ServerResponse, err: ApiError) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(err.retryAfterSeconds));
  sendJson(res, err.code, err.toStatus());
}

/** Write a chunk and wait for the socket to drain when its buffer is full. */
export function write(res: ServerResponse, chunk: Buffer | string): Promise<void> | undefined {
  if (res.write(chunk)) return undefined;
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

const MEDIA_TYPES = "application/json, application/yaml, application/vnd.kubernetes.protobuf";

/** What a GET is answered with, from its Accept header, as kube-apiserver negotiates it. */
export interface Representation {
  as: "object" | "Table" | "PartialObjectMetadata" | "PartialObjectMetadataList";
  yaml: boolean;
}

/**
 * The first acceptable media range of the Accept header. Protobuf is answered as JSON (the
 * sandbox encodes no protobuf); a request that accepts nothing the server offers is refused with
 * 406, in either of upstream's two wordings (a known type with an unknown `as=`, or no known type).
 */
export function negotiate(req: IncomingMessage, list: boolean): Representation {
  const accept = req.headers.accept;
  if (!accept) return { as: "object", yaml: false };
  let knownType = false;
  for (const range of accept.split(",")) {
    const [type, ...params] = range.split(";").map((x) => x.trim());
    const t = (type ?? "").toLowerCase();
    const json = t === "application/json" || t === "application/vnd.kubernetes.protobuf" || t === "*/*" || t === "application/*";
    const yaml = t === "application/yaml";
    if (!json && !yaml) continue;
    knownType = true;
    const p = Object.fromEntries(params.map((x) => x.split("=").map((y) => y.trim()) as [string, string]));
    if (!p.as) return { as: "object", yaml };
    const metaGroup = p.g === "meta.k8s.io" && (p.v === "v1" || p.v === "v1beta1");
    if (!metaGroup || yaml) continue;
    if (p.as === "Table") return { as: "Table", yaml: false };
    if (p.as === (list ? "PartialObjectMetadataList" : "PartialObjectMetadata")) return { as: p.as, yaml: false };
  }
  if (knownType) throw new ApiError(406, "NotAcceptable", `only the following media types are accepted: ${MEDIA_TYPES}`);
  throw new ApiError(406, "NotAcceptable", `406: Not Acceptable\n\nAvailable representations: ${MEDIA_TYPES}`, {});
}

export function wantsTable(req: IncomingMessage): boolean {
  const a = req.headers.accept ?? "";
  return a.includes("as=Table");
}

/** A list of PartialObjectMetadata asked for (metadata only, as kube-apiserver serves it). */
export function wantsMetadataList(req: IncomingMessage): boolean {
  const a = req.headers.accept ?? "";
  return a.includes("as=PartialObjectMetadataList");
}

export function boolParam(q: URLSearchParams, k: string): boolean {
  const v = q.get(k);
  return v === "true" || v === "1";
}
