import fjp from "fast-json-patch";
import { ApiError, badRequest, invalid, refusedBy, unsupportedMedia } from "./errors";
import { DEFAULT_MAX_JSON_DEPTH, valueDepth } from "./limits";
import { jsonBytes } from "./store";
import { isObject } from "./types";

/** kube-apiserver's bound on the operations of one JSON patch (413 beyond). */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/**
 * Bytes that the `copy` operations of one JSON patch may add: each copies a subtree, so thirty
 * copies of a document into itself grow it past a terabyte. The bound (and the 422 sentence) is
 * the one of the JSON-patch library Kubernetes uses (AccumulatedCopySizeLimit).
 */
const MAX_COPIED_BYTES = 3 * 1024 * 1024;

type Operation = Parameters<typeof fjp.applyOperation>[1];

/** Apply a JSON patch operation by operation, bounding what copies add and how deep the result nests. */
function applyJsonPatch(doc: Record<string, unknown>, ops: unknown[], kind: string, name: string, maxDepth: number): unknown {
  if (ops.length > MAX_JSON_PATCH_OPERATIONS)
    throw refusedBy(new ApiError(413, "RequestEntityTooLarge", `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`), "patch-size");
  let out: unknown = doc;
  let copied = 0;
  try {
    ops.forEach((op, i) => {
      if (isObject(op) && op.op === "copy" && typeof op.from === "string") {
        copied += jsonBytes(fjp.getValueByPointer(out, op.from) ?? null);
        if (copied > MAX_COPIED_BYTES)
          throw new PatchRefusal(`Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${MAX_COPIED_BYTES}`);
      }
      out = fjp.applyOperation(out, op as Operation, true, true, true, i).newDocument;
    });
  } catch (e) {
    if (e instanceof PatchRefusal) throw refusedBy(invalid(kind, "", name, [{ field: "patch", message: e.message }]), "patch-size");
    // Upstream answers a JSON patch that cannot be applied (a missing path, a failed test) with no detail.
    throw new ApiError(422, "Invalid", "the server rejected our request due to an error in our request", {});
  }
  if (valueDepth(out) > maxDepth) throw refusedBy(invalid(kind, "", name, [{ field: "patch", message: `the patched object nests more than ${maxDepth} levels deep` }]), "json-depth");
  return out;
}

class PatchRefusal extends Error {}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// Merge keys of the list fields that strategic merge patch merges instead of replacing;
// the common cases kubectl apply, edit, cordon and set image produce.
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  conditions: "type",
  taints: "key",
  hostAliases: "ip",
  ownerReferences: "uid",
  topologySpreadConstraints: "topologyKey",
  addresses: "type",
};
const PORT_LISTS = new Set(["ports"]);

function mergeList(key: string, target: unknown[], patch: unknown[]): unknown[] {
  const mk = MERGE_KEYS[key] ?? (PORT_LISTS.has(key) ? (patch.some((p) => isObject(p) && "containerPort" in p) ? "containerPort" : "port") : undefined);
  if (!mk || !patch.every(isObject)) return patch;
  const out = target.slice();
  for (const p of patch as Record<string, unknown>[]) {
    const directive = p.$patch;
    const idx = out.findIndex((t) => isObject(t) && t[mk] === p[mk]);
    if (directive === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (directive === "replace") return patch.filter((x) => isObject(x) && x.$patch !== "replace");
    if (idx >= 0) out[idx] = strategicMerge(out[idx], p);
    else out.push(strategicMerge({}, p));
  }
  return out;
}

/** Strategic merge patch for the usual cases: merge-keyed lists, `$patch`, and directives dropped. */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === "replace") {
    const rest = { ...patch };
    delete rest.$patch;
    return rest;
  }
  if (patch.$patch === "delete") return undefined;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys) ? new Set(patch.$retainKeys.map(String)) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$setElementOrder/") || k === "$retainKeys" || k === "$patch") continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(out[k])) out[k] = mergeList(k, out[k] as unknown[], v);
    else if (Array.isArray(v)) out[k] = mergeList(k, [], v);
    else {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.has(k)) delete out[k];
  return out;
}

/** Apply a PATCH body of the given content type to a copy of the current object. */
export function applyPatch(contentType: string, current: Record<string, unknown>, body: unknown, kind: string, name: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): unknown {
  const type = contentType.split(";")[0]!.trim();
  switch (type) {
    case "application/merge-patch+json":
      if (!isObject(body)) throw badRequest("merge patch must be a JSON object");
      return mergePatch(current, body);
    case "application/strategic-merge-patch+json":
      if (!isObject(body)) throw badRequest("strategic merge patch must be a JSON object");
      return strategicMerge(current, body);
    case "application/json-patch+json": {
      if (!Array.isArray(body)) throw badRequest("json patch must be an array of operations");
      return applyJsonPatch(structuredClone(current), body, kind, name, maxDepth);
    }
    default:
      throw unsupportedMedia(type);
  }
}
