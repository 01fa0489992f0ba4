import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest, tooDeep, tooLarge } from "../errors";
import { DEFAULT_MAX_JSON_DEPTH, depthExceeded } from "../limits";
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
  if (!protobuf && type !== "application/json" && !type.endsWith("+json") && type !== "*/*" && type !== "") {
    req.resume();
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
  const text = raw.toString("utf8");
  if (!text.trim()) throw badRequest("the request body is empty");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded: ${e instanceof Error ? e.message : "invalid JSON"}`);
  }
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
