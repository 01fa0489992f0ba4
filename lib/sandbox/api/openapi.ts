import { RESOURCES } from "../resources";

/**
 * A minimal OpenAPI v3 index. kubectl reads it only to learn that PATCH takes the
 * fieldValidation parameter (then it leaves validation to the server); request bodies list no
 * strategic-merge type, so kubectl apply computes its patch from its built-in types.
 */
export function openapiRoot(prefix: string) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const t of RESOURCES) {
    const gv = t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
    paths[gv] = { serverRelativeURL: `${prefix}/openapi/v3/${gv}?hash=0001` };
  }
  return { paths };
}

export function openapiGroupVersion(gvPath: string) {
  const paths: Record<string, unknown> = {};
  for (const t of RESOURCES) {
    const gv = t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
    if (gv !== gvPath || t.virtual) continue;
    const base = `/${gv}${t.namespaced ? "/namespaces/{namespace}" : ""}/${t.plural}/{name}`;
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const params = ["dryRun", "fieldManager", "fieldValidation", "force"].map((name) => ({ name, in: "query", schema: { type: "string" } }));
    const body = { content: { "application/json-patch+json": { schema: { type: "object" } }, "application/merge-patch+json": { schema: { type: "object" } } } };
    paths[base] = {
      patch: { "x-kubernetes-group-version-kind": gvk, "x-kubernetes-action": "patch", parameters: params, requestBody: body, responses: { "200": { description: "OK" } } },
      put: { "x-kubernetes-group-version-kind": gvk, "x-kubernetes-action": "put", parameters: params, responses: { "200": { description: "OK" } } },
    };
    paths[base.replace("/{name}", "")] = {
      post: { "x-kubernetes-group-version-kind": gvk, "x-kubernetes-action": "post", parameters: params, responses: { "201": { description: "Created" } } },
    };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.30.0" }, paths, components: { schemas: {} } };
}

/**
 * An OpenAPI v2 document in protobuf (swagger "2.0", title and version, no definitions).
 * kubectl before 1.28 downloads it before create and apply; finding no schema for a kind,
 * it leaves validation to the server.
 */
export const OPENAPI_V2_PB = (() => {
  const str = (field: number, s: string) => Buffer.concat([Buffer.from([(field << 3) | 2, Buffer.byteLength(s)]), Buffer.from(s)]);
  const info = Buffer.concat([str(1, "Kubernetes"), str(2, "v1.30.0")]);
  return Buffer.concat([str(1, "2.0"), Buffer.from([(2 << 3) | 2, info.length]), info]);
})();
