import fjp from "fast-json-patch";
import { badRequest, invalid, unsupportedMedia } from "./errors";
import { isObject } from "./types";

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
export function applyPatch(contentType: string, current: Record<string, unknown>, body: unknown, kind: string, name: string): unknown {
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
      try {
        const doc = structuredClone(current);
        return fjp.applyPatch(doc, body as Parameters<typeof fjp.applyPatch>[1], true, true).newDocument;
      } catch (e) {
        throw invalid(kind, "", name, [{ field: "patch", message: e instanceof Error ? e.message.split("\n")[0]! : "invalid json patch" }]);
      }
    }
    default:
      throw unsupportedMedia(type);
  }
}
